-- A trigger that notifies `job_events` on every write to jobs (subscribed in listeners.py).
CREATE OR REPLACE FUNCTION notify_job() RETURNS trigger AS $$
BEGIN
    -- NOTIFY inside a comment is not a channel: NOTIFY ghost_channel
    PERFORM pg_notify('job_events', row_to_json(NEW)::text);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER jobs_notify AFTER INSERT OR UPDATE ON jobs
FOR EACH ROW EXECUTE FUNCTION notify_job();

-- An invoice trigger whose channel nobody listens to: an orphaned publisher.
CREATE OR REPLACE FUNCTION notify_invoice() RETURNS trigger AS $$
BEGIN
-- ppa: transaction.event_channel_consistency HIGH
    PERFORM pg_notify('invoice_paid', NEW.id::text);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER invoices_notify AFTER UPDATE OF status ON invoices
FOR EACH ROW EXECUTE FUNCTION notify_invoice();

-- A channel built from the table name: cannot be decided, no finding.
CREATE OR REPLACE FUNCTION notify_any() RETURNS trigger AS $$
BEGIN
-- ppa-ok: transaction.event_channel_consistency
    PERFORM pg_notify(TG_TABLE_NAME || '_changes', NEW.id::text);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_notify AFTER INSERT ON audit FOR EACH ROW EXECUTE FUNCTION notify_any();
