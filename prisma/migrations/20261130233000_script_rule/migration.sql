-- Existing mail's script as the ingest computes it (scriptOf, packages/domain/src/message/
-- script-name.ts, whose SCRIPT_SQL is this expression): the backfill of compromised_site kept the
-- blanks after the uid ("1000: form.php") and names over 255 characters. Only those rows change.
UPDATE "Message"
   SET script = COALESCE(NULLIF(left(btrim(regexp_replace("originatingScript", '^[0-9]+:', ''), E' \t\r\n'), 255), ''), source::text)
 WHERE "originatingScript" IS NOT NULL
   AND script IS DISTINCT FROM COALESCE(NULLIF(left(btrim(regexp_replace("originatingScript", '^[0-9]+:', ''), E' \t\r\n'), 255), ''), source::text);
