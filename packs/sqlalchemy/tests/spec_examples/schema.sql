CREATE TABLE jobs (id serial PRIMARY KEY, status text NOT NULL, progress int NOT NULL DEFAULT 0);

CREATE FUNCTION notify_job() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('job_events', NEW.id::text);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER jobs_notify AFTER UPDATE ON jobs FOR EACH ROW EXECUTE FUNCTION notify_job();
