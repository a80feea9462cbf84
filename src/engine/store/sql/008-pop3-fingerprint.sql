-- Schema version 8: what identifies a downloaded POP3 message besides its UIDL.
--
-- A server may give a UIDL that Tern has seen to a new message (once the old one is
-- gone from it). So before a DELE of a message not downloaded in the same session,
-- the sync checks that it is still the message it downloaded: the size the server
-- listed for it then, and a digest of its identifying headers (from TOP n 0 too).
-- The sync writes both in the transaction that adds the message; records older
-- than this version have neither (NULL) and are checked against the stored message.

ALTER TABLE pop3_uidls ADD COLUMN size INTEGER;        -- the server's LIST size at download
ALTER TABLE pop3_uidls ADD COLUMN header_hash TEXT;    -- SHA-256 (hex) of its identifying headers
