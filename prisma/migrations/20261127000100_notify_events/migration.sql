-- Every event row announces itself on the channel novita_file_events. A trigger sends the NOTIFY
-- inside the transaction that writes the event, so listeners never hear of an uncommitted event,
-- whichever code path wrote it. The payload stays small: id, seq, type and file_id.
CREATE FUNCTION "notify_event_inserted"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(
    'novita_file_events',
    json_build_object('id', NEW.id, 'seq', NEW.seq, 'type', NEW.type, 'file_id', NEW.file_id)::text
  );
  RETURN NULL;
END;
$$;

CREATE TRIGGER "events_notify_inserted"
AFTER INSERT ON "events"
FOR EACH ROW EXECUTE FUNCTION "notify_event_inserted"();
