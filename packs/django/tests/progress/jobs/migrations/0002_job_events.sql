CREATE OR REPLACE FUNCTION notify_job_change() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('job_events', NEW.id::text);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER job_changed AFTER UPDATE OF status, progress ON jobs_job
  FOR EACH ROW EXECUTE FUNCTION notify_job_change();

CREATE OR REPLACE FUNCTION notify_report() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('reports', NEW.id::text);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER report_changed AFTER UPDATE ON jobs_report
  FOR EACH ROW EXECUTE FUNCTION notify_report();
