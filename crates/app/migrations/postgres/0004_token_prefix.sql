-- The first characters of each API token (`shq_` and 8 more of its 256 random bits), kept
-- in plain text so that people can tell their tokens apart in a list; the rest is only
-- ever stored as a SHA-256. Tokens issued before this have none ('').
ALTER TABLE api_tokens ADD COLUMN prefix TEXT NOT NULL DEFAULT '';
