-- Schema version 5: IMAP subscriptions.
--
-- Whether the server lists the folder as subscribed (LSUB / LIST (SUBSCRIBED)).
-- Every folder is synced; the UI may show the subscribed ones only. Local and POP3
-- folders count as subscribed.

ALTER TABLE folders ADD COLUMN subscribed INTEGER NOT NULL DEFAULT 1;
