-- Job progress notifications. (A project would often write this as an Alembic `op.execute`;
-- those are read by the event-channels pack, which this pack's fixtures do not load.)
CREATE OR REPLACE FUNCTION notify_job_change() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('job_events', NEW.id::text);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER job_changed AFTER UPDATE OF status, progress ON jobs
  FOR EACH ROW EXECUTE FUNCTION notify_job_change();
