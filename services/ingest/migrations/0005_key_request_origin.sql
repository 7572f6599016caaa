-- Ingest rotates the SM4 key of an HJ 212-2025 device that asks for a new one (1014), as a command of its own.
ALTER TABLE device_commands DROP CONSTRAINT device_commands_origin_check;
ALTER TABLE device_commands ADD CONSTRAINT device_commands_origin_check CHECK (origin IN ('operator', 'clock', 'backfill', 'key_request'));
