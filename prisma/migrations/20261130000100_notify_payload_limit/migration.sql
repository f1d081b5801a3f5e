-- pg_notify refuses a payload of 8,000 bytes or more ("payload string too long"), and that error
-- failed the whole transaction writing the event: a file with a long id (ids are accepted up to
-- 24,576 bytes) could not appear or disappear. The payload now carries file_id only when it fits;
-- otherwise file_id is null and file_id_omitted is true, and a listener reads the row by id. The
-- other fields are short by construction (a uuid, a bigint and an event type name).
CREATE OR REPLACE FUNCTION "notify_event_inserted"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  payload text := json_build_object(
    'id', NEW.id, 'seq', NEW.seq, 'type', NEW.type, 'file_id', NEW.file_id)::text;
BEGIN
  IF octet_length(payload) >= 8000 THEN
    payload := json_build_object(
      'id', NEW.id, 'seq', NEW.seq, 'type', NEW.type, 'file_id', NULL, 'file_id_omitted', true)::text;
  END IF;
  PERFORM pg_notify('novita_file_events', payload);
  RETURN NULL;
END;
$$;
