CREATE FUNCTION notify_job() RETURNS trigger AS $$
BEGIN
  -- ppa-ok: transaction.event_channel_consistency
  PERFORM pg_notify('job_events', NEW.id::text);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER jobs_notify AFTER UPDATE ON jobs FOR EACH ROW EXECUTE FUNCTION notify_job();
