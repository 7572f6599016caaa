-- The case history chain is keyed (HMAC-SHA-256 with a secret kept outside the database): each entry names the key
-- it was sealed with, so keys can be rotated and old entries keep verifying with their own. An entry without a key id
-- is verified with the current key: a row rewritten with a plain SHA-256 does not hold.
ALTER TABLE case_history ADD COLUMN key_id text;
