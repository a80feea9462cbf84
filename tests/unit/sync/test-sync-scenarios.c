/* test-sync-scenarios.c: the IMAP sync, the offline journal and the outbox against the
 * scripted fake server, one table row per scenario
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In the manner of isync's run-tests.pl: a scenario is data. It is a few runs, one
 * after the other, on one store; each run is something the client does (a sync, an
 * operation made offline, queueing a message, flushing the outbox) with what the
 * servers say meanwhile (fake-server scripts, IMAP and SMTP), whether the run
 * succeeds (or the words of its error), and the store's whole state afterwards as
 * dump_state() writes it:
 *
 *   INBOX uidvalidity=7 uidnext=3 modseq=12     a folder (modseq when not 0; "local"
 *                                               for a folder only here, such as the
 *                                               Sent of a POP3 account)
 *   INBOX 1 m1 (\Seen) body                     a message: UID ("local" for one the
 *                                               server has not numbered yet), name
 *                                               (its Message-ID is <name@tern.test>),
 *                                               flags and keywords, body or header
 *   journal 0                                   offline changes left to replay
 *   outbox o1 queued attempts=1 retry "451 ..." an outbox row: the message's name,
 *                                               state, attempts, due or retry (a time
 *                                               to come), last error
 *
 * A run may also name words that one of the sync's progress reports must hold (a
 * refusal of the server, told to the user).
 *
 * Each scenario runs alone: -p /sync/scenario/NAME (or /outbox/scenario/NAME).
 * These complement the tests against the real Dovecot and Postfix
 * (tests/protocol/sync, tests/protocol/outbox) with the rare and hostile cases a real
 * server will not produce on demand.
 *
 * The scripts may use four steps that this file expands into the server's literals
 * (their sizes computed here):
 *   "@HEADER seq uid name flags..."  * seq FETCH (UID uid FLAGS flags... INTERNALDATE
 *                                    RFC822.SIZE BODY[HEADER] {n} ...), for the
 *                                    header pass
 *   "@WHOLE seq uid name flags..."   the same with BODY[] (the whole message)
 *   "@BODY seq uid name"             * seq FETCH (UID uid BODY[] {n} ...), a body
 *   "@CUT seq uid name"              the start of that one only: the literal's
 *                                    first line, for a connection cut inside it
 */
#include "config.h"

#include <string.h>

#include "fake-server.h"
#include "tern-account.h"
#include "tern-outbox.h"
#include "tern-outbox-private.h"
#include "tern-store-db.h"
#include "tern-store-db-outbox.h"
#include "tern-store-db-sync.h"
#include "tern-sync-imap.h"
#include "tern-sync-journal.h"
#include "store-test-home.h"

#define ADDRESS "alice@tern.test"
#define PASSWORD "secret"

#define MAX_RUNS 5
#define MAX_STEPS 96
#define MAX_LINES 24

typedef enum
{
  RUN_END,           /* (no more runs) */
  RUN_SYNC,          /* tern_sync_imap_run_full () */
  RUN_SET_FLAGS,     /* arg "NAME +\Flag" or "NAME -\Flag": tern_sync_journal_set_flags () */
  RUN_MOVE,          /* arg "NAME FOLDER": tern_sync_journal_move () */
  RUN_COPY,          /* arg "NAME FOLDER": tern_sync_journal_copy () */
  RUN_DELETE,        /* arg "NAME": tern_sync_journal_delete () */
  RUN_DRAFT,         /* arg "NAME FOLDER": tern_sync_journal_save_draft () of a new message */
  RUN_DELETE_FOLDER, /* arg "FOLDER": tern_sync_journal_delete_folder () */
  RUN_ENQUEUE,       /* arg "NAME RCPT[,RCPT...]": tern_outbox_enqueue () of a new message */
  RUN_FLUSH,         /* tern_outbox_flush (): what is due */
  RUN_FLUSH_NOW,     /* tern_outbox_flush_full (NOW): also what waits for its retry time */
} RunAction;

typedef enum
{
  ACCOUNT_IMAP,          /* sent messages are APPENDed to the server's Sent */
  ACCOUNT_POP3,          /* sent messages are filed in the local Sent */
} AccountKind;

typedef struct
{
  RunAction    action;
  const char  *arg;
  const char  *imap[MAX_STEPS];     /* the IMAP server's script; none: no IMAP server */
  const char  *smtp[MAX_STEPS];     /* the SMTP server's script; none: no SMTP server */
  const char  *error;               /* NULL: the run succeeds; else words of its error */
  const char  *sent;                /* words of the first message the SMTP server received */
  const char  *reported;            /* words of a progress report of the run (a sync's) */
  const char  *state[MAX_LINES];    /* the store afterwards */
} Run;

/* @known_bug: the scenario says what should happen, and the engine does not do it
 * yet: reported as a TODO (an expected failure) with this text, and as a failure
 * once the scenario passes, so that the mark goes with the bug. (A fix may change the
 * conversation too: its script then changes with it.) */
typedef struct
{
  const char  *name;
  AccountKind  account;
  const char  *known_bug;
  Run          runs[MAX_RUNS];
} Scenario;

/* ---- the servers' common lines ------------------------------------------------------ */

#define CAPS "IMAP4rev1 LITERAL+ UIDPLUS MOVE"
#define CAPS_CONDSTORE CAPS " ENABLE CONDSTORE"
#define CAPS_QRESYNC CAPS " ENABLE CONDSTORE QRESYNC"

/* greeting and login */
#define LOGIN_WITH(caps) \
  "S:* OK [CAPABILITY " caps "] fake IMAP ready", \
  "C#LOGIN \"alice\" \"secret\"", "T:OK [CAPABILITY " caps "] logged in"
#define LOGIN LOGIN_WITH (CAPS)
#define LOGOUT "C#LOGOUT", "S:* BYE bye", "T:OK done", "WAIT_CLOSE"

/* the hierarchy delimiter, asked before the journal's replay */
#define LIST_ROOT "C#LIST \"\" \"\"", "S:* LIST (\\Noselect) \"/\" \"\"", "T:OK done"

/* the folder list, then the subscribed ones */
#define LIST_INBOX \
  "C#LIST \"\" \"*\"", "S:* LIST () \"/\" \"INBOX\"", "T:OK done", \
  "C#LSUB \"\" \"*\"", "S:* LSUB () \"/\" \"INBOX\"", "T:OK done"
#define LIST_INBOX_ARCHIVE \
  "C#LIST \"\" \"*\"", "S:* LIST () \"/\" \"INBOX\"", "S:* LIST () \"/\" \"Archive\"", "T:OK done", \
  "C#LSUB \"\" \"*\"", "S:* LSUB () \"/\" \"INBOX\"", "T:OK done"

#define SMTP_HELLO \
  "S:220 fake.test ESMTP", \
  "C:EHLO tern.test", "S:250-fake.test", "S:250-PIPELINING", "S:250-ENHANCEDSTATUSCODES", \
  "S:250-8BITMIME", "S:250 AUTH PLAIN", \
  "C:AUTH PLAIN AGFsaWNlAHNlY3JldA==", "S:235 2.7.0 Authentication successful"
#define SMTP_QUIT "C:QUIT", "S:221 2.0.0 Bye", "WAIT_CLOSE"

/* SELECT "INBOX" and its answer */
#define SELECT_INBOX(exists, uidvalidity, uidnext) \
  "C#SELECT \"INBOX\"", "S:* " #exists " EXISTS", "S:* OK [UIDVALIDITY " #uidvalidity "] ok", \
  "S:* OK [UIDNEXT " #uidnext "] ok", "T:OK [READ-WRITE] done"

#define SELECT_INBOX_CONDSTORE(exists, uidvalidity, uidnext, modseq) \
  "C#SELECT \"INBOX\" (CONDSTORE)", "S:* " #exists " EXISTS", "S:* OK [UIDVALIDITY " #uidvalidity "] ok", \
  "S:* OK [UIDNEXT " #uidnext "] ok", "S:* OK [HIGHESTMODSEQ " #modseq "] ok", "T:OK [READ-WRITE] done"

/* The first sync of an INBOX with m1 (seen) and m2: the headers, then the bodies
 * (newest first). */
#define FIRST_SYNC_M1_M2 \
  LOGIN, LIST_ROOT, LIST_INBOX, SELECT_INBOX (2, 7, 3), \
  "C#UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER])", \
  "@HEADER 1 1 m1 (\\Seen)", "@HEADER 2 2 m2 ()", "T:OK done", \
  "C#UID FETCH 2,1 (UID BODY.PEEK[])", "@BODY 2 2 m2", "@BODY 1 1 m1", "T:OK done", \
  LOGOUT
#define STATE_M1_M2 \
  "INBOX uidvalidity=7 uidnext=3", "INBOX 1 m1 (\\Seen) body", "INBOX 2 m2 () body", "journal 0"

#define SELECT_ARCHIVE(exists, uidvalidity, uidnext) \
  "C#SELECT \"Archive\"", "S:* " #exists " EXISTS", "S:* OK [UIDVALIDITY " #uidvalidity "] ok", \
  "S:* OK [UIDNEXT " #uidnext "] ok", "T:OK [READ-WRITE] done"

/* The same with an empty Archive beside INBOX; the bodies come after every folder's
 * headers, so INBOX is selected again (read-only) for them. */
#define FIRST_SYNC_ARCHIVE \
  LOGIN, LIST_ROOT, LIST_INBOX_ARCHIVE, SELECT_INBOX (2, 7, 3), \
  "C#UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER])", \
  "@HEADER 1 1 m1 (\\Seen)", "@HEADER 2 2 m2 ()", "T:OK done", \
  SELECT_ARCHIVE (0, 5, 1), \
  "C#EXAMINE \"INBOX\"", "S:* 2 EXISTS", "S:* OK [UIDVALIDITY 7] ok", "T:OK [READ-ONLY] done", \
  "C#UID FETCH 2,1 (UID BODY.PEEK[])", "@BODY 2 2 m2", "@BODY 1 1 m1", "T:OK done", \
  LOGOUT
#define STATE_ARCHIVE \
  "Archive uidvalidity=5 uidnext=1", "INBOX uidvalidity=7 uidnext=3", "INBOX 1 m1 (\\Seen) body", \
  "INBOX 2 m2 () body", "journal 0"

/* Then m1 flagged and m2 moved to Archive offline: in the store at once, journaled. */
#define STATE_FLAGGED_OFFLINE \
  "Archive uidvalidity=5 uidnext=1", "INBOX uidvalidity=7 uidnext=3", "INBOX 1 m1 (\\Seen \\Flagged) body", \
  "INBOX 2 m2 () body", "journal 1"
#define STATE_MOVED_OFFLINE \
  "Archive uidvalidity=5 uidnext=1", "Archive local m2 () body", "INBOX uidvalidity=7 uidnext=3", \
  "INBOX 1 m1 (\\Seen \\Flagged) body", "journal 2"

/* m2 moved to Archive offline (and nothing else) */
#define STATE_M2_IN_ARCHIVE \
  "Archive uidvalidity=5 uidnext=1", "Archive local m2 () body", "INBOX uidvalidity=7 uidnext=3", \
  "INBOX 1 m1 (\\Seen) body", "journal 1"

/* After a refusal: the flags the server has for m1 (the replay's INBOX selected). */
#define REFRESH_M1(flags) "C#UID FETCH 1 (UID FLAGS)", "S:* 1 FETCH (UID 1 FLAGS (" flags "))", "T:OK done"
#define REFRESH_M2(flags) "C#UID FETCH 2 (UID FLAGS)", "S:* 2 FETCH (UID 2 FLAGS " flags ")", "T:OK done"

/* A command tried before: is m2 in the selected folder already? */
#define FIND_M2(uids) \
  "C#UID SEARCH HEADER Message-ID \"<m2@tern.test>\"", "S:* SEARCH " uids, "T:OK done"

/* The draft d1 saved in Archive offline, and its upload (LITERAL+) */
#define STATE_D1_LOCAL \
  "Archive uidvalidity=5 uidnext=1", "Archive local d1 (\\Seen \\Draft) body", \
  "INBOX uidvalidity=7 uidnext=3", "INBOX 1 m1 (\\Seen) body", "INBOX 2 m2 () body"
#define APPEND_D1 \
  "C#APPEND \"Archive\" (\\Seen \\Draft) {184+}", \
  "C:From: Bob <bob@tern.test>", "C:To: alice@tern.test", "C:Subject: message d1", \
  "C:Message-ID: <d1@tern.test>", "C:Date: Mon, 1 Jan 2024 10:00:00 +0000", "C:Content-Type: text/plain", \
  "C:", "C:This is message d1.", "C:"

/* The first sync of INBOX (m1 seen, m2) with CONDSTORE, and with QRESYNC */
#define LOGIN_CONDSTORE \
  LOGIN_WITH (CAPS_CONDSTORE), "C#ENABLE CONDSTORE", "S:* ENABLED CONDSTORE", "T:OK enabled"
#define LOGIN_QRESYNC \
  LOGIN_WITH (CAPS_QRESYNC), "C#ENABLE QRESYNC", "S:* ENABLED QRESYNC", "T:OK enabled"
#define FIRST_SYNC_CONDSTORE_AFTER_LOGIN \
  LIST_ROOT, LIST_INBOX, SELECT_INBOX_CONDSTORE (2, 7, 3, 10), \
  "C#UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE MODSEQ BODY.PEEK[HEADER])", \
  "@HEADER 1 1 m1 (\\Seen) MODSEQ (9)", "@HEADER 2 2 m2 () MODSEQ (10)", "T:OK done", \
  "C#UID FETCH 2,1 (UID BODY.PEEK[])", "@BODY 2 2 m2", "@BODY 1 1 m1", "T:OK done", \
  LOGOUT
#define FIRST_SYNC_CONDSTORE LOGIN_CONDSTORE, FIRST_SYNC_CONDSTORE_AFTER_LOGIN
#define FIRST_SYNC_QRESYNC LOGIN_QRESYNC, FIRST_SYNC_CONDSTORE_AFTER_LOGIN
#define STATE_CONDSTORE \
  "INBOX uidvalidity=7 uidnext=3 modseq=10", "INBOX 1 m1 (\\Seen) body", "INBOX 2 m2 () body", "journal 0"

/* SELECT "INBOX" (QRESYNC (7 modseq)) when nothing changed since */
#define SELECT_INBOX_QRESYNC(exists, uidvalidity, uidnext, modseq, highest) \
  "C#SELECT \"INBOX\" (QRESYNC (" #uidvalidity " " #modseq "))", "S:* " #exists " EXISTS", \
  "S:* OK [UIDVALIDITY " #uidvalidity "] ok", "S:* OK [UIDNEXT " #uidnext "] ok", \
  "S:* OK [HIGHESTMODSEQ " #highest "] ok", "T:OK [READ-WRITE] done"

/* ---- the scenarios ------------------------------------------------------------------ */

static const Scenario sync_scenarios[] = {
  /* The first sync of an empty INBOX: the folder, its UIDVALIDITY, nothing else. */
  {
    .name = "first-sync-empty",
    .runs = {
      {
        .action = RUN_SYNC,
        .imap = { LOGIN, LIST_ROOT, LIST_INBOX, SELECT_INBOX (0, 7, 1), LOGOUT },
        .state = { "INBOX uidvalidity=7 uidnext=1", "journal 0" },
      },
    },
  },

  /* A folder whose name cannot be read ("ZZZ" is 18 bits of modified UTF-7, which
   * Dovecot would never serve): skipped, said so, and the others sync. */
  {
    .name = "unreadable-folder-name",
    .runs = {
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT,
          "C#LIST \"\" \"*\"", "S:* LIST () \"/\" \"INBOX\"", "S:* LIST () \"/\" \"Bad&ZZZ-\"",
          "S:* LIST () \"/\" \"Archive\"", "T:OK done",
          "C#LSUB \"\" \"*\"", "S:* LSUB () \"/\" \"INBOX\"", "T:OK done",
          SELECT_INBOX (0, 7, 1), SELECT_ARCHIVE (0, 5, 1),
          LOGOUT,
        },
        .reported = "Folder skipped: The mailbox name “Bad&ZZZ-” is not valid modified UTF-7",
        .state = { "Archive uidvalidity=5 uidnext=1", "INBOX uidvalidity=7 uidnext=1", "journal 0" },
      },
    },
  },

  /* New messages: all of a first sync, then one more (whole, in one pass). */
  {
    .name = "new-messages",
    .runs = {
      {
        .action = RUN_SYNC,
        .imap = { FIRST_SYNC_M1_M2 },
        .state = { STATE_M1_M2 },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT, LIST_INBOX, SELECT_INBOX (3, 7, 4),
          "C#UID FETCH 3:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])", "@WHOLE 3 3 m3 (\\Flagged)",
          "T:OK done",
          "C#UID FETCH 1:2 (UID FLAGS)", "S:* 1 FETCH (UID 1 FLAGS (\\Seen))", "S:* 2 FETCH (UID 2 FLAGS ())",
          "T:OK done",
          LOGOUT,
        },
        .state = {
          "INBOX uidvalidity=7 uidnext=4", "INBOX 1 m1 (\\Seen) body", "INBOX 2 m2 () body",
          "INBOX 3 m3 (\\Flagged) body", "journal 0",
        },
      },
    },
  },

  /* Flags and keywords changed by another client. */
  {
    .name = "flags-changed",
    .runs = {
      { .action = RUN_SYNC, .imap = { FIRST_SYNC_M1_M2 }, .state = { STATE_M1_M2 } },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT, LIST_INBOX, SELECT_INBOX (2, 7, 3),
          "C#UID FETCH 1:2 (UID FLAGS)", "S:* 1 FETCH (UID 1 FLAGS ())",
          "S:* 2 FETCH (UID 2 FLAGS (\\Seen \\Flagged $Forwarded))", "T:OK done",
          LOGOUT,
        },
        .state = {
          "INBOX uidvalidity=7 uidnext=3", "INBOX 1 m1 () body",
          "INBOX 2 m2 (\\Seen \\Flagged $Forwarded) body",
          "journal 0",
        },
      },
    },
  },

  /* The same with CONDSTORE: only what changed since the stored HIGHESTMODSEQ. */
  {
    .name = "flags-changed-condstore",
    .runs = {
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN_WITH (CAPS_CONDSTORE), "C#ENABLE CONDSTORE", "S:* ENABLED CONDSTORE", "T:OK enabled",
          LIST_ROOT, LIST_INBOX, SELECT_INBOX_CONDSTORE (2, 7, 3, 10),
          "C#UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE MODSEQ BODY.PEEK[HEADER])",
          "@HEADER 1 1 m1 (\\Seen) MODSEQ (9)", "@HEADER 2 2 m2 () MODSEQ (10)", "T:OK done",
          "C#UID FETCH 2,1 (UID BODY.PEEK[])", "@BODY 2 2 m2", "@BODY 1 1 m1", "T:OK done",
          LOGOUT,
        },
        .state = {
          "INBOX uidvalidity=7 uidnext=3 modseq=10", "INBOX 1 m1 (\\Seen) body", "INBOX 2 m2 () body",
          "journal 0",
        },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN_WITH (CAPS_CONDSTORE), "C#ENABLE CONDSTORE", "S:* ENABLED CONDSTORE", "T:OK enabled",
          LIST_ROOT, LIST_INBOX, SELECT_INBOX_CONDSTORE (2, 7, 3, 12),
          "C#UID FETCH 1:2 (UID FLAGS) (CHANGEDSINCE 10)",
          "S:* 2 FETCH (UID 2 FLAGS (\\Answered $label1) MODSEQ (12))",
          "T:OK done",
          LOGOUT,
        },
        .state = {
          "INBOX uidvalidity=7 uidnext=3 modseq=12", "INBOX 1 m1 (\\Seen) body",
          "INBOX 2 m2 (\\Answered $label1) body",
          "journal 0",
        },
      },
    },
  },

  /* Expunged on the server, seen without CONDSTORE: the known UIDs that no longer
   * answer UID FETCH go. */
  {
    .name = "expunged",
    .runs = {
      { .action = RUN_SYNC, .imap = { FIRST_SYNC_M1_M2 }, .state = { STATE_M1_M2 } },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT, LIST_INBOX, SELECT_INBOX (1, 7, 3),
          "C#UID FETCH 1:2 (UID FLAGS)", "S:* 1 FETCH (UID 2 FLAGS ())", "T:OK done",
          LOGOUT,
        },
        .state = { "INBOX uidvalidity=7 uidnext=3", "INBOX 2 m2 () body", "journal 0" },
      },
    },
  },

  /* With CONDSTORE and no QRESYNC: fewer messages than stored, so the UIDs the server
   * has, one line each (UID FETCH 1:* (UID): UID SEARCH's one line outgrows the line
   * limit in a large folder). */
  {
    .name = "expunged-condstore",
    .runs = {
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN_WITH (CAPS_CONDSTORE), "C#ENABLE CONDSTORE", "S:* ENABLED CONDSTORE", "T:OK enabled",
          LIST_ROOT, LIST_INBOX, SELECT_INBOX_CONDSTORE (2, 7, 3, 10),
          "C#UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE MODSEQ BODY.PEEK[HEADER])",
          "@HEADER 1 1 m1 (\\Seen) MODSEQ (9)", "@HEADER 2 2 m2 () MODSEQ (10)", "T:OK done",
          "C#UID FETCH 2,1 (UID BODY.PEEK[])", "@BODY 2 2 m2", "@BODY 1 1 m1", "T:OK done",
          LOGOUT,
        },
        .state = {
          "INBOX uidvalidity=7 uidnext=3 modseq=10", "INBOX 1 m1 (\\Seen) body", "INBOX 2 m2 () body",
          "journal 0",
        },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN_WITH (CAPS_CONDSTORE), "C#ENABLE CONDSTORE", "S:* ENABLED CONDSTORE", "T:OK enabled",
          LIST_ROOT, LIST_INBOX, SELECT_INBOX_CONDSTORE (1, 7, 3, 11),
          "C#UID FETCH 1:2 (UID FLAGS) (CHANGEDSINCE 10)", "T:OK done",
          "C#UID FETCH 1:* (UID)", "S:* 1 FETCH (UID 1)", "T:OK done",
          LOGOUT,
        },
        .state = { "INBOX uidvalidity=7 uidnext=3 modseq=11", "INBOX 1 m1 (\\Seen) body", "journal 0" },
      },
    },
  },

  /* With QRESYNC: the SELECT itself reports the expunges (VANISHED) and the flag
   * changes since the last run; nothing else is asked. */
  {
    .name = "expunged-qresync",
    .runs = {
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN_WITH (CAPS_QRESYNC), "C#ENABLE QRESYNC", "S:* ENABLED QRESYNC", "T:OK enabled",
          LIST_ROOT, LIST_INBOX, SELECT_INBOX_CONDSTORE (2, 7, 3, 10),
          "C#UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE MODSEQ BODY.PEEK[HEADER])",
          "@HEADER 1 1 m1 (\\Seen) MODSEQ (9)", "@HEADER 2 2 m2 () MODSEQ (10)", "T:OK done",
          "C#UID FETCH 2,1 (UID BODY.PEEK[])", "@BODY 2 2 m2", "@BODY 1 1 m1", "T:OK done",
          LOGOUT,
        },
        .state = {
          "INBOX uidvalidity=7 uidnext=3 modseq=10", "INBOX 1 m1 (\\Seen) body", "INBOX 2 m2 () body",
          "journal 0",
        },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN_WITH (CAPS_QRESYNC), "C#ENABLE QRESYNC", "S:* ENABLED QRESYNC", "T:OK enabled",
          LIST_ROOT, LIST_INBOX,
          "C#SELECT \"INBOX\" (QRESYNC (7 10))", "S:* 1 EXISTS", "S:* OK [UIDVALIDITY 7] ok",
          "S:* OK [UIDNEXT 3] ok",
          "S:* OK [HIGHESTMODSEQ 13] ok", "S:* VANISHED (EARLIER) 1",
          "S:* 1 FETCH (UID 2 FLAGS (\\Seen) MODSEQ (13))",
          "T:OK [READ-WRITE] done",
          LOGOUT,
        },
        .state = { "INBOX uidvalidity=7 uidnext=3 modseq=13", "INBOX 2 m2 (\\Seen) body", "journal 0" },
      },
    },
  },

  /* The folder was replaced on the server (a new UIDVALIDITY): the local copies of
   * the old one go, and every message of the new one comes, although its UIDs are
   * the old ones'. */
  {
    .name = "uidvalidity-change",
    .runs = {
      { .action = RUN_SYNC, .imap = { FIRST_SYNC_M1_M2 }, .state = { STATE_M1_M2 } },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT, LIST_INBOX, SELECT_INBOX (3, 8, 4),
          "C#UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER])",
          "@HEADER 1 1 n1 ()", "@HEADER 2 2 n2 (\\Seen)", "@HEADER 3 3 n3 ()", "T:OK done",
          "C#UID FETCH 3,2,1 (UID BODY.PEEK[])", "@BODY 3 3 n3", "@BODY 2 2 n2", "@BODY 1 1 n1", "T:OK done",
          LOGOUT,
        },
        .state = {
          "INBOX uidvalidity=8 uidnext=4", "INBOX 1 n1 () body", "INBOX 2 n2 (\\Seen) body",
          "INBOX 3 n3 () body",
          "journal 0",
        },
      },
    },
  },

  /* A server that drops the connection in the middle of a FETCH, first in the header
   * pass, then inside a body's literal: what came is kept, and the next run
   * completes the folder without fetching a message twice. */
  {
    .name = "drop-mid-fetch",
    .runs = {
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT, LIST_INBOX, SELECT_INBOX (3, 7, 4),
          "C#UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER])",
          "@HEADER 1 1 m1 (\\Seen)", "@HEADER 2 2 m2 ()", "CLOSE",
        },
        .error = "closed the connection",
        .state = {
          "INBOX uidvalidity=7 uidnext=3", "INBOX 1 m1 (\\Seen) header", "INBOX 2 m2 () header", "journal 0",
        },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT, LIST_INBOX, SELECT_INBOX (3, 7, 4),
          "C#UID FETCH 3:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])", "@WHOLE 3 3 m3 ()", "T:OK done",
          "C#UID FETCH 1:2 (UID FLAGS)", "S:* 1 FETCH (UID 1 FLAGS (\\Seen))", "S:* 2 FETCH (UID 2 FLAGS ())",
          "T:OK done",
          "C#UID FETCH 2,1 (UID BODY.PEEK[])", "@BODY 2 2 m2", "@CUT 1 1 m1", "CLOSE",
        },
        .error = "closed the connection",
        .state = {
          "INBOX uidvalidity=7 uidnext=4", "INBOX 1 m1 (\\Seen) header", "INBOX 2 m2 () body",
          "INBOX 3 m3 () body", "journal 0",
        },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT, LIST_INBOX, SELECT_INBOX (3, 7, 4),
          "C#UID FETCH 1:3 (UID FLAGS)", "S:* 1 FETCH (UID 1 FLAGS (\\Seen))", "S:* 2 FETCH (UID 2 FLAGS ())",
          "S:* 3 FETCH (UID 3 FLAGS ())", "T:OK done",
          "C#UID FETCH 1 (UID BODY.PEEK[])", "@BODY 1 1 m1", "T:OK done",
          LOGOUT,
        },
        .state = {
          "INBOX uidvalidity=7 uidnext=4", "INBOX 1 m1 (\\Seen) body", "INBOX 2 m2 () body",
          "INBOX 3 m3 () body", "journal 0",
        },
      },
    },
  },

  /* A flag change and a move made offline: in the store at once, journaled, and
   * replayed in order by the next sync; the moved message gets its UID in Archive
   * from COPYUID and is not fetched a second time. */
  {
    .name = "journal-replay",
    .runs = {
      { .action = RUN_SYNC, .imap = { FIRST_SYNC_ARCHIVE }, .state = { STATE_ARCHIVE } },
      { .action = RUN_SET_FLAGS, .arg = "m1 +\\Flagged", .state = { STATE_FLAGGED_OFFLINE } },
      { .action = RUN_MOVE, .arg = "m2 Archive", .state = { STATE_MOVED_OFFLINE } },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT,
          SELECT_INBOX (2, 7, 3), "C#UID STORE 1 +FLAGS (\\Flagged)",
          "S:* 1 FETCH (FLAGS (\\Seen \\Flagged) UID 1)", "T:OK done",
          "C#UID MOVE 2 \"Archive\"", "S:* OK [COPYUID 5 2 1] moved", "S:* 2 EXPUNGE", "T:OK done",
          LIST_INBOX_ARCHIVE,
          SELECT_INBOX (1, 7, 3),
          "C#UID FETCH 1:2 (UID FLAGS)", "S:* 1 FETCH (UID 1 FLAGS (\\Seen \\Flagged))", "T:OK done",
          SELECT_ARCHIVE (1, 5, 2),
          "C#UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER])", "@HEADER 1 1 m2 ()",
          "T:OK done",
          LOGOUT,
        },
        .state = {
          "Archive uidvalidity=5 uidnext=2", "Archive 1 m2 () body", "INBOX uidvalidity=7 uidnext=3",
          "INBOX 1 m1 (\\Seen \\Flagged) body", "journal 0",
        },
      },
    },
  },

  /* The server refuses a replayed flag change (NO): the change is dropped, the
   * message takes the server's flags at once, and the sync agrees. */
  {
    .name = "journal-refused-flags",
    .runs = {
      { .action = RUN_SYNC, .imap = { FIRST_SYNC_ARCHIVE }, .state = { STATE_ARCHIVE } },
      { .action = RUN_SET_FLAGS, .arg = "m1 +\\Flagged", .state = { STATE_FLAGGED_OFFLINE } },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT,
          SELECT_INBOX (2, 7, 3), "C#UID STORE 1 +FLAGS (\\Flagged)",
          "T:NO [CANNOT] Flags are read-only here",
          REFRESH_M1 ("\\Seen"),
          LIST_INBOX_ARCHIVE,
          SELECT_INBOX (2, 7, 3),
          "C#UID FETCH 1:2 (UID FLAGS)", "S:* 1 FETCH (UID 1 FLAGS (\\Seen))", "S:* 2 FETCH (UID 2 FLAGS ())",
          "T:OK done",
          SELECT_ARCHIVE (0, 5, 1),
          LOGOUT,
        },
        .reported = "Changing the flags of 1 message in “INBOX”: Flags are read-only here; "
                    "it keeps the flags the server has",
        .state = { STATE_ARCHIVE },
      },
    },
  },

  /* The same with CONDSTORE: the server's HIGHESTMODSEQ did not move, as nothing
   * changed there, so the sync reads no flag; the refused flag must not stay in the
   * store all the same. */
  {
    .name = "journal-refused-flags-condstore",
    .runs = {
      { .action = RUN_SYNC, .imap = { FIRST_SYNC_CONDSTORE }, .state = { STATE_CONDSTORE } },
      {
        .action = RUN_SET_FLAGS, .arg = "m1 +\\Flagged",
        .state = {
          "INBOX uidvalidity=7 uidnext=3 modseq=10", "INBOX 1 m1 (\\Seen \\Flagged) body",
          "INBOX 2 m2 () body",
          "journal 1",
        },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN_CONDSTORE, LIST_ROOT,
          SELECT_INBOX (2, 7, 3), "C#UID STORE 1 +FLAGS (\\Flagged)",
          "T:NO [CANNOT] Flags are read-only here",
          REFRESH_M1 ("\\Seen"),
          LIST_INBOX, SELECT_INBOX_CONDSTORE (2, 7, 3, 10),
          LOGOUT,
        },
        .reported = "Flags are read-only here",
        .state = { STATE_CONDSTORE },
      },
    },
  },

  /* The same with QRESYNC: the SELECT reports no change since the last run. */
  {
    .name = "journal-refused-flags-qresync",
    .runs = {
      { .action = RUN_SYNC, .imap = { FIRST_SYNC_QRESYNC }, .state = { STATE_CONDSTORE } },
      {
        .action = RUN_SET_FLAGS, .arg = "m1 -\\Seen",
        .state = {
          "INBOX uidvalidity=7 uidnext=3 modseq=10", "INBOX 1 m1 () body", "INBOX 2 m2 () body", "journal 1",
        },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN_QRESYNC, LIST_ROOT,
          SELECT_INBOX (2, 7, 3), "C#UID STORE 1 -FLAGS (\\Seen)", "T:NO [CANNOT] Flags are read-only here",
          REFRESH_M1 ("\\Seen"),
          LIST_INBOX, SELECT_INBOX_QRESYNC (2, 7, 3, 10, 10),
          LOGOUT,
        },
        .reported = "Flags are read-only here",
        .state = { STATE_CONDSTORE },
      },
    },
  },

  /* A refused flag change, then one the server takes, which the connection's loss
   * keeps in the journal: the message takes the server's flags with the later change
   * on top (what the server will have), so that no change made here is lost from
   * sight; the next sync sends it. */
  {
    .name = "journal-refused-flags-later-change",
    .runs = {
      { .action = RUN_SYNC, .imap = { FIRST_SYNC_CONDSTORE }, .state = { STATE_CONDSTORE } },
      {
        .action = RUN_SET_FLAGS, .arg = "m1 +\\Flagged",
        .state = {
          "INBOX uidvalidity=7 uidnext=3 modseq=10", "INBOX 1 m1 (\\Seen \\Flagged) body",
          "INBOX 2 m2 () body",
          "journal 1",
        },
      },
      {
        .action = RUN_SET_FLAGS, .arg = "m1 -\\Seen",
        .state = {
          "INBOX uidvalidity=7 uidnext=3 modseq=10", "INBOX 1 m1 (\\Flagged) body", "INBOX 2 m2 () body",
          "journal 2",
        },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN_CONDSTORE, LIST_ROOT,
          SELECT_INBOX (2, 7, 3), "C#UID STORE 1 +FLAGS (\\Flagged)",
          "T:NO [CANNOT] Flags are read-only here",
          REFRESH_M1 ("\\Seen"),
          "C#UID STORE 1 -FLAGS (\\Seen)", "CLOSE",
        },
        .error = "closed the connection",
        .state = {
          "INBOX uidvalidity=7 uidnext=3 modseq=10", "INBOX 1 m1 () body", "INBOX 2 m2 () body", "journal 1",
        },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN_CONDSTORE, LIST_ROOT,
          SELECT_INBOX (2, 7, 3), "C#UID STORE 1 -FLAGS (\\Seen)",
          "S:* 1 FETCH (UID 1 FLAGS () MODSEQ (11))", "T:OK done",
          LIST_INBOX, SELECT_INBOX_CONDSTORE (2, 7, 3, 11),
          "C#UID FETCH 1:2 (UID FLAGS) (CHANGEDSINCE 10)", "S:* 1 FETCH (UID 1 FLAGS () MODSEQ (11))",
          "T:OK done",
          LOGOUT,
        },
        .state = {
          "INBOX uidvalidity=7 uidnext=3 modseq=11", "INBOX 1 m1 () body", "INBOX 2 m2 () body", "journal 0",
        },
      },
    },
  },

  /* The server refuses a replayed move (NO): the move is dropped, the message stays,
   * and the store is in step with the server again: m2 in INBOX, where the server
   * has it, not left in Archive as a copy the server will never have. */
  {
    .name = "journal-refused-move",
    .runs = {
      { .action = RUN_SYNC, .imap = { FIRST_SYNC_ARCHIVE }, .state = { STATE_ARCHIVE } },
      { .action = RUN_MOVE, .arg = "m2 Archive", .state = { STATE_M2_IN_ARCHIVE } },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT,
          SELECT_INBOX (2, 7, 3), "C#UID MOVE 2 \"Archive\"", "T:NO [OVERQUOTA] Quota exceeded",
          REFRESH_M2 ("()"),
          LIST_INBOX_ARCHIVE,
          SELECT_INBOX (2, 7, 3),
          "C#UID FETCH 1:2 (UID FLAGS)", "S:* 1 FETCH (UID 1 FLAGS (\\Seen))", "S:* 2 FETCH (UID 2 FLAGS ())",
          "T:OK done",
          SELECT_ARCHIVE (0, 5, 1),
          LOGOUT,
        },
        .reported = "Moving 1 message from “INBOX” to “Archive”: Quota exceeded; it stays in “INBOX”",
        .state = { STATE_ARCHIVE },
      },
    },
  },

  /* The same with QRESYNC, which reports no change in either folder: m2 is back in
   * INBOX with the flags the server has there (another client marked it read). */
  {
    .name = "journal-refused-move-qresync",
    .runs = {
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN_QRESYNC, LIST_ROOT, LIST_INBOX_ARCHIVE, SELECT_INBOX_CONDSTORE (2, 7, 3, 10),
          "C#UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE MODSEQ BODY.PEEK[HEADER])",
          "@HEADER 1 1 m1 (\\Seen) MODSEQ (9)", "@HEADER 2 2 m2 () MODSEQ (10)", "T:OK done",
          "C#SELECT \"Archive\" (CONDSTORE)", "S:* 0 EXISTS", "S:* OK [UIDVALIDITY 5] ok",
          "S:* OK [UIDNEXT 1] ok",
          "S:* OK [HIGHESTMODSEQ 4] ok", "T:OK [READ-WRITE] done",
          "C#EXAMINE \"INBOX\"", "S:* 2 EXISTS", "S:* OK [UIDVALIDITY 7] ok", "T:OK [READ-ONLY] done",
          "C#UID FETCH 2,1 (UID BODY.PEEK[])", "@BODY 2 2 m2", "@BODY 1 1 m1", "T:OK done",
          LOGOUT,
        },
        .state = {
          "Archive uidvalidity=5 uidnext=1 modseq=4", "INBOX uidvalidity=7 uidnext=3 modseq=10",
          "INBOX 1 m1 (\\Seen) body", "INBOX 2 m2 () body", "journal 0",
        },
      },
      {
        .action = RUN_MOVE, .arg = "m2 Archive",
        .state = {
          "Archive uidvalidity=5 uidnext=1 modseq=4", "Archive local m2 () body",
          "INBOX uidvalidity=7 uidnext=3 modseq=10", "INBOX 1 m1 (\\Seen) body", "journal 1",
        },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN_QRESYNC, LIST_ROOT,
          SELECT_INBOX (2, 7, 3), "C#UID MOVE 2 \"Archive\"",
          "T:NO [TRYCREATE] Mailbox doesn't exist: Archive",
          REFRESH_M2 ("(\\Seen)"),
          LIST_INBOX_ARCHIVE,
          SELECT_INBOX_QRESYNC (2, 7, 3, 10, 11),
          "C#SELECT \"Archive\" (QRESYNC (5 4))", "S:* 0 EXISTS", "S:* OK [UIDVALIDITY 5] ok",
          "S:* OK [UIDNEXT 1] ok", "S:* OK [HIGHESTMODSEQ 4] ok", "T:OK [READ-WRITE] done",
          LOGOUT,
        },
        .reported = "it stays in “INBOX”",
        .state = {
          "Archive uidvalidity=5 uidnext=1 modseq=4", "INBOX uidvalidity=7 uidnext=3 modseq=11",
          "INBOX 1 m1 (\\Seen) body", "INBOX 2 m2 (\\Seen) body", "journal 0",
        },
      },
    },
  },

  /* A refused move, then a flag change made on the message in Archive: the change
   * follows the message back to INBOX, where the server has it, and reaches it
   * there. */
  {
    .name = "journal-refused-move-then-flag",
    .runs = {
      { .action = RUN_SYNC, .imap = { FIRST_SYNC_ARCHIVE }, .state = { STATE_ARCHIVE } },
      { .action = RUN_MOVE, .arg = "m2 Archive", .state = { STATE_M2_IN_ARCHIVE } },
      {
        .action = RUN_SET_FLAGS, .arg = "m2 +\\Flagged",
        .state = {
          "Archive uidvalidity=5 uidnext=1", "Archive local m2 (\\Flagged) body",
          "INBOX uidvalidity=7 uidnext=3",
          "INBOX 1 m1 (\\Seen) body", "journal 2",
        },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT,
          SELECT_INBOX (2, 7, 3), "C#UID MOVE 2 \"Archive\"", "T:NO [OVERQUOTA] Quota exceeded",
          REFRESH_M2 ("()"),
          "C#UID STORE 2 +FLAGS (\\Flagged)", "S:* 2 FETCH (UID 2 FLAGS (\\Flagged))", "T:OK done",
          LIST_INBOX_ARCHIVE,
          SELECT_INBOX (2, 7, 3),
          "C#UID FETCH 1:2 (UID FLAGS)", "S:* 1 FETCH (UID 1 FLAGS (\\Seen))",
          "S:* 2 FETCH (UID 2 FLAGS (\\Flagged))", "T:OK done",
          SELECT_ARCHIVE (0, 5, 1),
          LOGOUT,
        },
        .state = {
          "Archive uidvalidity=5 uidnext=1", "INBOX uidvalidity=7 uidnext=3", "INBOX 1 m1 (\\Seen) body",
          "INBOX 2 m2 (\\Flagged) body", "journal 0",
        },
      },
    },
  },

  /* A refused move, undone here before the sync (moved back): the message is where
   * the server has it; nothing is sent for the undo, nothing uploaded. */
  {
    .name = "journal-refused-move-undone",
    .runs = {
      { .action = RUN_SYNC, .imap = { FIRST_SYNC_ARCHIVE }, .state = { STATE_ARCHIVE } },
      { .action = RUN_MOVE, .arg = "m2 Archive", .state = { STATE_M2_IN_ARCHIVE } },
      {
        .action = RUN_MOVE, .arg = "m2 INBOX",
        .state = {
          "Archive uidvalidity=5 uidnext=1", "INBOX uidvalidity=7 uidnext=3", "INBOX 1 m1 (\\Seen) body",
          "INBOX local m2 () body", "journal 2",
        },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT,
          SELECT_INBOX (2, 7, 3), "C#UID MOVE 2 \"Archive\"", "T:NO [OVERQUOTA] Quota exceeded",
          REFRESH_M2 ("()"),
          LIST_INBOX_ARCHIVE,
          SELECT_INBOX (2, 7, 3),
          "C#UID FETCH 1:2 (UID FLAGS)", "S:* 1 FETCH (UID 1 FLAGS (\\Seen))", "S:* 2 FETCH (UID 2 FLAGS ())",
          "T:OK done",
          SELECT_ARCHIVE (0, 5, 1),
          LOGOUT,
        },
        .state = { STATE_ARCHIVE },
      },
    },
  },

  /* A move, then its target folder deleted here before the sync: the move cannot be
   * made, and the message, which left the store with the folder, comes back from
   * the server's INBOX, where it still is. */
  {
    .name = "journal-move-target-deleted-here",
    .runs = {
      { .action = RUN_SYNC, .imap = { FIRST_SYNC_ARCHIVE }, .state = { STATE_ARCHIVE } },
      { .action = RUN_MOVE, .arg = "m2 Archive", .state = { STATE_M2_IN_ARCHIVE } },
      {
        .action = RUN_DELETE_FOLDER, .arg = "Archive",
        .state = { "INBOX uidvalidity=7 uidnext=3", "INBOX 1 m1 (\\Seen) body", "journal 2" },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT,
          SELECT_INBOX (2, 7, 3), REFRESH_M2 ("()"),
          "C#UID FETCH 2 (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER])", "@HEADER 2 2 m2 ()",
          "T:OK done",
          "C#DELETE \"Archive\"", "T:OK deleted", "C#UNSUBSCRIBE \"Archive\"", "T:OK done",
          LIST_INBOX,
          SELECT_INBOX (2, 7, 3),
          "C#UID FETCH 1:2 (UID FLAGS)", "S:* 1 FETCH (UID 1 FLAGS (\\Seen))", "S:* 2 FETCH (UID 2 FLAGS ())",
          "T:OK done",
          "C#UID FETCH 2 (UID BODY.PEEK[])", "@BODY 2 2 m2", "T:OK done",
          LOGOUT,
        },
        .reported = "the folder was deleted here; it stays in “INBOX”",
        .state = { STATE_M1_M2 },
      },
    },
  },

  /* The server refuses a replayed copy: the local copy goes, the original stays. */
  {
    .name = "journal-refused-copy",
    .runs = {
      { .action = RUN_SYNC, .imap = { FIRST_SYNC_ARCHIVE }, .state = { STATE_ARCHIVE } },
      {
        .action = RUN_COPY, .arg = "m2 Archive",
        .state = {
          "Archive uidvalidity=5 uidnext=1", "Archive local m2 () body", "INBOX uidvalidity=7 uidnext=3",
          "INBOX 1 m1 (\\Seen) body", "INBOX 2 m2 () body", "journal 1",
        },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT,
          SELECT_INBOX (2, 7, 3), "C#UID COPY 2 \"Archive\"", "T:NO [OVERQUOTA] Quota exceeded",
          REFRESH_M2 ("()"),
          LIST_INBOX_ARCHIVE,
          SELECT_INBOX (2, 7, 3),
          "C#UID FETCH 1:2 (UID FLAGS)", "S:* 1 FETCH (UID 1 FLAGS (\\Seen))", "S:* 2 FETCH (UID 2 FLAGS ())",
          "T:OK done",
          SELECT_ARCHIVE (0, 5, 1),
          LOGOUT,
        },
        .reported = "Copying 1 message from “INBOX” to “Archive”: Quota exceeded; no copy was made",
        .state = { STATE_ARCHIVE },
      },
    },
  },

  /* The server refuses a replayed delete (\Deleted): the message it keeps comes back,
   * its header at once, its body with the sync. */
  {
    .name = "journal-refused-delete",
    .runs = {
      { .action = RUN_SYNC, .imap = { FIRST_SYNC_ARCHIVE }, .state = { STATE_ARCHIVE } },
      {
        .action = RUN_DELETE, .arg = "m2",
        .state = {
          "Archive uidvalidity=5 uidnext=1", "INBOX uidvalidity=7 uidnext=3", "INBOX 1 m1 (\\Seen) body",
          "journal 1",
        },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT,
          SELECT_INBOX (2, 7, 3), "C#UID STORE 2 +FLAGS (\\Deleted)", "T:NO [NOPERM] Permission denied",
          "C#UID FETCH 2 (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER])", "@HEADER 2 2 m2 ()",
          "T:OK done",
          LIST_INBOX_ARCHIVE,
          SELECT_INBOX (2, 7, 3),
          "C#UID FETCH 1:2 (UID FLAGS)", "S:* 1 FETCH (UID 1 FLAGS (\\Seen))", "S:* 2 FETCH (UID 2 FLAGS ())",
          "T:OK done",
          SELECT_ARCHIVE (0, 5, 1),
          "C#EXAMINE \"INBOX\"", "S:* 2 EXISTS", "S:* OK [UIDVALIDITY 7] ok", "T:OK [READ-ONLY] done",
          "C#UID FETCH 2 (UID BODY.PEEK[])", "@BODY 2 2 m2", "T:OK done",
          LOGOUT,
        },
        .reported = "Deleting 1 message in “INBOX”: Permission denied; the server keeps it, and so does this "
                    "computer",
        .state = { STATE_ARCHIVE },
      },
    },
  },

  /* The same with the EXPUNGE refused after the \Deleted flag was taken: the message
   * comes back as the server has it, flagged \Deleted. */
  {
    .name = "journal-refused-expunge",
    .runs = {
      { .action = RUN_SYNC, .imap = { FIRST_SYNC_ARCHIVE }, .state = { STATE_ARCHIVE } },
      {
        .action = RUN_DELETE, .arg = "m2",
        .state = {
          "Archive uidvalidity=5 uidnext=1", "INBOX uidvalidity=7 uidnext=3", "INBOX 1 m1 (\\Seen) body",
          "journal 1",
        },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT,
          SELECT_INBOX (2, 7, 3), "C#UID STORE 2 +FLAGS (\\Deleted)",
          "S:* 2 FETCH (UID 2 FLAGS (\\Deleted))", "T:OK done",
          "C#UID EXPUNGE 2", "T:NO [NOPERM] Permission denied",
          "C#UID FETCH 2 (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER])",
          "@HEADER 2 2 m2 (\\Deleted)", "T:OK done",
          LIST_INBOX_ARCHIVE,
          SELECT_INBOX (2, 7, 3),
          "C#UID FETCH 1:2 (UID FLAGS)", "S:* 1 FETCH (UID 1 FLAGS (\\Seen))",
          "S:* 2 FETCH (UID 2 FLAGS (\\Deleted))", "T:OK done",
          SELECT_ARCHIVE (0, 5, 1),
          "C#EXAMINE \"INBOX\"", "S:* 2 EXISTS", "S:* OK [UIDVALIDITY 7] ok", "T:OK [READ-ONLY] done",
          "C#UID FETCH 2 (UID BODY.PEEK[])", "@BODY 2 2 m2", "T:OK done",
          LOGOUT,
        },
        .reported = "Permission denied",
        .state = {
          "Archive uidvalidity=5 uidnext=1", "INBOX uidvalidity=7 uidnext=3", "INBOX 1 m1 (\\Seen) body",
          "INBOX 2 m2 (\\Deleted) body", "journal 0",
        },
      },
    },
  },

  /* The server refuses to take a draft saved offline (APPEND): it stays here, and
   * the user is told; the next sync leaves it alone. */
  {
    .name = "journal-refused-append",
    .runs = {
      { .action = RUN_SYNC, .imap = { FIRST_SYNC_ARCHIVE }, .state = { STATE_ARCHIVE } },
      { .action = RUN_DRAFT, .arg = "d1 Archive", .state = { STATE_D1_LOCAL, "journal 1" } },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT,
          APPEND_D1, "T:NO [OVERQUOTA] Quota exceeded",
          LIST_INBOX_ARCHIVE,
          SELECT_INBOX (2, 7, 3),
          "C#UID FETCH 1:2 (UID FLAGS)", "S:* 1 FETCH (UID 1 FLAGS (\\Seen))", "S:* 2 FETCH (UID 2 FLAGS ())",
          "T:OK done",
          SELECT_ARCHIVE (0, 5, 1),
          LOGOUT,
        },
        .reported = "Uploading “message d1” to “Archive”: Quota exceeded; it stays on this computer only",
        .state = { STATE_D1_LOCAL, "journal 0" },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT, LIST_INBOX_ARCHIVE,
          SELECT_INBOX (2, 7, 3),
          "C#UID FETCH 1:2 (UID FLAGS)", "S:* 1 FETCH (UID 1 FLAGS (\\Seen))", "S:* 2 FETCH (UID 2 FLAGS ())",
          "T:OK done",
          SELECT_ARCHIVE (0, 5, 1),
          LOGOUT,
        },
        .state = { STATE_D1_LOCAL, "journal 0" },
      },
    },
  },

  /* The connection drops after the server moved m2 and before its answer came: the
   * move stays in the journal. Tried again, the server has nothing left to move (OK,
   * no COPYUID): the message is found in Archive by its Message-ID, not uploaded a
   * second time. */
  {
    .name = "journal-move-answer-lost",
    .runs = {
      { .action = RUN_SYNC, .imap = { FIRST_SYNC_ARCHIVE }, .state = { STATE_ARCHIVE } },
      { .action = RUN_MOVE, .arg = "m2 Archive", .state = { STATE_M2_IN_ARCHIVE } },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT,
          SELECT_INBOX (2, 7, 3), "C#UID MOVE 2 \"Archive\"", "S:* OK [COPYUID 5 2 1] moved", "S:* 2 EXPUNGE",
          "CLOSE",
        },
        .error = "closed the connection",
        .state = { STATE_M2_IN_ARCHIVE },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT,
          SELECT_INBOX (1, 7, 3), "C#UID MOVE 2 \"Archive\"", "T:OK No messages found",
          SELECT_ARCHIVE (1, 5, 2), FIND_M2 ("1"),
          LIST_INBOX_ARCHIVE,
          SELECT_INBOX (1, 7, 3),
          "C#UID FETCH 1:2 (UID FLAGS)", "S:* 1 FETCH (UID 1 FLAGS (\\Seen))", "T:OK done",
          SELECT_ARCHIVE (1, 5, 2),
          "C#UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER])", "@HEADER 1 1 m2 ()",
          "T:OK done",
          LOGOUT,
        },
        .state = {
          "Archive uidvalidity=5 uidnext=2", "Archive 1 m2 () body", "INBOX uidvalidity=7 uidnext=3",
          "INBOX 1 m1 (\\Seen) body", "journal 0",
        },
      },
    },
  },

  /* The same for a copy: the copy the server made is found, not made again. */
  {
    .name = "journal-copy-answer-lost",
    .runs = {
      { .action = RUN_SYNC, .imap = { FIRST_SYNC_ARCHIVE }, .state = { STATE_ARCHIVE } },
      {
        .action = RUN_COPY, .arg = "m2 Archive",
        .state = {
          "Archive uidvalidity=5 uidnext=1", "Archive local m2 () body", "INBOX uidvalidity=7 uidnext=3",
          "INBOX 1 m1 (\\Seen) body", "INBOX 2 m2 () body", "journal 1",
        },
      },
      {
        .action = RUN_SYNC,
        .imap = { LOGIN, LIST_ROOT, SELECT_INBOX (2, 7, 3), "C#UID COPY 2 \"Archive\"", "CLOSE" },
        .error = "closed the connection",
        .state = {
          "Archive uidvalidity=5 uidnext=1", "Archive local m2 () body", "INBOX uidvalidity=7 uidnext=3",
          "INBOX 1 m1 (\\Seen) body", "INBOX 2 m2 () body", "journal 1",
        },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT,
          SELECT_ARCHIVE (1, 5, 2), FIND_M2 ("1"),
          LIST_INBOX_ARCHIVE,
          SELECT_INBOX (2, 7, 3),
          "C#UID FETCH 1:2 (UID FLAGS)", "S:* 1 FETCH (UID 1 FLAGS (\\Seen))", "S:* 2 FETCH (UID 2 FLAGS ())",
          "T:OK done",
          SELECT_ARCHIVE (1, 5, 2),
          "C#UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER])", "@HEADER 1 1 m2 ()",
          "T:OK done",
          LOGOUT,
        },
        .state = {
          "Archive uidvalidity=5 uidnext=2", "Archive 1 m2 () body", "INBOX uidvalidity=7 uidnext=3",
          "INBOX 1 m1 (\\Seen) body", "INBOX 2 m2 () body", "journal 0",
        },
      },
    },
  },

  /* The same for a draft's upload: the server stored it, the answer was lost. */
  {
    .name = "journal-append-answer-lost",
    .runs = {
      { .action = RUN_SYNC, .imap = { FIRST_SYNC_ARCHIVE }, .state = { STATE_ARCHIVE } },
      { .action = RUN_DRAFT, .arg = "d1 Archive", .state = { STATE_D1_LOCAL, "journal 1" } },
      {
        .action = RUN_SYNC,
        .imap = { LOGIN, LIST_ROOT, APPEND_D1, "CLOSE" },
        .error = "closed the connection",
        .state = { STATE_D1_LOCAL, "journal 1" },
      },
      {
        .action = RUN_SYNC,
        .imap = {
          LOGIN, LIST_ROOT,
          SELECT_ARCHIVE (1, 5, 2),
          "C#UID SEARCH HEADER Message-ID \"<d1@tern.test>\"", "S:* SEARCH 1", "T:OK done",
          LIST_INBOX_ARCHIVE,
          SELECT_INBOX (2, 7, 3),
          "C#UID FETCH 1:2 (UID FLAGS)", "S:* 1 FETCH (UID 1 FLAGS (\\Seen))", "S:* 2 FETCH (UID 2 FLAGS ())",
          "T:OK done",
          SELECT_ARCHIVE (1, 5, 2),
          "C#UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER])",
          "@HEADER 1 1 d1 (\\Seen \\Draft)", "T:OK done",
          LOGOUT,
        },
        .state = {
          "Archive uidvalidity=5 uidnext=2", "Archive 1 d1 (\\Seen \\Draft) body",
          "INBOX uidvalidity=7 uidnext=3",
          "INBOX 1 m1 (\\Seen) body", "INBOX 2 m2 () body", "journal 0",
        },
      },
    },
  },
};

/* The SMTP server takes o1 for bob (MAIL, RCPT and DATA come in one write). */
#define SMTP_ACCEPT_O1 \
  SMTP_HELLO, \
  "C:MAIL FROM:<alice@tern.test>", "C:RCPT TO:<bob@tern.test>", "C:DATA", \
  "S:250 2.1.0 Ok", "S:250 2.1.5 Ok", "S:354 End data with <CR><LF>.<CR><LF>", \
  "D:", "S:250 2.0.0 Ok: queued as 4F2A1", \
  SMTP_QUIT

/* o1 sent and filed in the local Sent of a POP3 account */
#define STATE_SENT_O1 "Sent local uidnext=2", "Sent 1 o1 (\\Seen) body", "journal 0"

static const Scenario outbox_scenarios[] = {
  /* Accepted: filed in Sent (the local one of a POP3 account), out of the outbox. */
  {
    .name = "accepted",
    .account = ACCOUNT_POP3,
    .runs = {
      { .action = RUN_ENQUEUE, .arg = "o1 bob@tern.test", .state = { "journal 0",
                                                                     "outbox o1 queued attempts=0 due" } },
      {
        .action = RUN_FLUSH,
        .smtp = { SMTP_ACCEPT_O1 },
        .sent = "Message-ID: <o1@tern.test>\r\n",
        .state = { STATE_SENT_O1 },
      },
    },
  },

  /* Accepted, and APPENDed to the server's Sent for an IMAP account. */
  {
    .name = "accepted-imap",
    .account = ACCOUNT_IMAP,
    .runs = {
      { .action = RUN_ENQUEUE, .arg = "o1 bob@tern.test", .state = { "journal 0",
                                                                     "outbox o1 queued attempts=0 due" } },
      {
        .action = RUN_FLUSH,
        .smtp = { SMTP_ACCEPT_O1 },
        .imap = {
          LOGIN,
          "C#LIST \"\" \"*\"", "S:* LIST () \"/\" \"INBOX\"", "S:* LIST () \"/\" \"Sent\"", "T:OK done",
          /* the message as queued, seen, as one literal (LITERAL+) */
          "C#APPEND \"Sent\" (\\Seen) {153+}",
          "C:From: Alice <alice@tern.test>", "C:To: bob@tern.test", "C:Subject: outgoing o1",
          "C:Message-ID: <o1@tern.test>", "C:Date: Mon, 1 Jan 2024 12:00:00 +0000", "C:", "C:This is o1.",
          "C:", "T:OK [APPENDUID 3 1] appended",
          LOGOUT,
        },
        .sent = "Message-ID: <o1@tern.test>\r\n",
        .state = { "journal 0" },
      },
    },
  },

  /* A temporary failure (4xx): queued again with a retry time and the server's words;
   * not sent again before that time unless the user asks. */
  {
    .name = "temporary-failure",
    .account = ACCOUNT_POP3,
    .runs = {
      { .action = RUN_ENQUEUE, .arg = "o1 bob@tern.test", .state = { "journal 0",
                                                                     "outbox o1 queued attempts=0 due" } },
      {
        .action = RUN_FLUSH,
        .smtp = {
          SMTP_HELLO,
          "C:MAIL FROM:<alice@tern.test>", "C:RCPT TO:<bob@tern.test>", "C:DATA",
          "S:250 2.1.0 Ok", "S:250 2.1.5 Ok", "S:354 End data with <CR><LF>.<CR><LF>",
          "D:", "S:451 4.3.0 Error: queue file write error",
          SMTP_QUIT,
        },
        .state = { "journal 0",
                   "outbox o1 queued attempts=1 retry \"451 4.3.0 Error: queue file write error\"" },
      },
      {
        .action = RUN_FLUSH,
        .state = { "journal 0",
                   "outbox o1 queued attempts=1 retry \"451 4.3.0 Error: queue file write error\"" },
      },
      {
        .action = RUN_FLUSH_NOW,
        .smtp = { SMTP_ACCEPT_O1 },
        .sent = "Message-ID: <o1@tern.test>\r\n",
        .state = { STATE_SENT_O1 },
      },
    },
  },

  /* A permanent failure (5xx): failed, with the server's words, and never sent again. */
  {
    .name = "permanent-failure",
    .account = ACCOUNT_POP3,
    .runs = {
      { .action = RUN_ENQUEUE, .arg = "o1 bob@tern.test", .state = { "journal 0",
                                                                     "outbox o1 queued attempts=0 due" } },
      {
        .action = RUN_FLUSH,
        .smtp = {
          SMTP_HELLO,
          "C:MAIL FROM:<alice@tern.test>", "C:RCPT TO:<bob@tern.test>", "C:DATA",
          "S:250 2.1.0 Ok", "S:250 2.1.5 Ok", "S:354 End data with <CR><LF>.<CR><LF>",
          "D:", "S:554 5.7.1 Message rejected as spam",
          SMTP_QUIT,
        },
        .state = { "journal 0", "outbox o1 failed attempts=1 due \"554 5.7.1 Message rejected as spam\"" },
      },
      {
        .action = RUN_FLUSH_NOW,
        .state = { "journal 0", "outbox o1 failed attempts=1 due \"554 5.7.1 Message rejected as spam\"" },
      },
    },
  },

  /* The connection drops after the DATA of the second of three messages, before the
   * server's reply: that one may or may not have gone, so it is kept (queued again,
   * never lost); the third goes over a new connection. */
  {
    .name = "connection-lost-mid-batch",
    .account = ACCOUNT_POP3,
    .runs = {
      { .action = RUN_ENQUEUE, .arg = "o1 bob@tern.test", .state = { "journal 0",
                                                                     "outbox o1 queued attempts=0 due" } },
      {
        .action = RUN_ENQUEUE, .arg = "o2 bob@tern.test",
        .state = { "journal 0", "outbox o1 queued attempts=0 due", "outbox o2 queued attempts=0 due" },
      },
      {
        .action = RUN_ENQUEUE, .arg = "o3 bob@tern.test",
        .state = {
          "journal 0", "outbox o1 queued attempts=0 due", "outbox o2 queued attempts=0 due",
          "outbox o3 queued attempts=0 due",
        },
      },
      {
        .action = RUN_FLUSH,
        .smtp = {
          SMTP_HELLO,
          "C:MAIL FROM:<alice@tern.test>", "C:RCPT TO:<bob@tern.test>", "C:DATA",
          "S:250 2.1.0 Ok", "S:250 2.1.5 Ok", "S:354 End data with <CR><LF>.<CR><LF>",
          "D:", "S:250 2.0.0 Ok: queued as 4F2A1",
          "C:MAIL FROM:<alice@tern.test>", "C:RCPT TO:<bob@tern.test>", "C:DATA",
          "S:250 2.1.0 Ok", "S:250 2.1.5 Ok", "S:354 End data with <CR><LF>.<CR><LF>",
          "D:", "CLOSE",
          "ACCEPT",
          SMTP_HELLO,
          "C:MAIL FROM:<alice@tern.test>", "C:RCPT TO:<bob@tern.test>", "C:DATA",
          "S:250 2.1.0 Ok", "S:250 2.1.5 Ok", "S:354 End data with <CR><LF>.<CR><LF>",
          "D:", "S:250 2.0.0 Ok: queued as 4F2A3",
          SMTP_QUIT,
        },
        .sent = "Message-ID: <o1@tern.test>\r\n",
        .state = {
          "Sent local uidnext=3", "Sent 1 o1 (\\Seen) body", "Sent 2 o3 (\\Seen) body", "journal 0",
          "outbox o2 queued attempts=1 retry \"127.0.0.1 closed the connection\"",
        },
      },
    },
  },

  /* One recipient refused, the other accepted: sent (filed in Sent) and kept as
   * "partly-sent" with the refused address and the server's words. */
  {
    .name = "partial-refusal",
    .account = ACCOUNT_POP3,
    .runs = {
      {
        .action = RUN_ENQUEUE, .arg = "o1 bob@tern.test,nobody@tern.test",
        .state = { "journal 0", "outbox o1 queued attempts=0 due" },
      },
      {
        .action = RUN_FLUSH,
        .smtp = {
          SMTP_HELLO,
          "C:MAIL FROM:<alice@tern.test>", "C:RCPT TO:<bob@tern.test>", "C:RCPT TO:<nobody@tern.test>",
          "C:DATA",
          "S:250 2.1.0 Ok", "S:250 2.1.5 Ok",
          "S:550 5.1.1 <nobody@tern.test>: Recipient address rejected: User unknown",
          "S:354 End data with <CR><LF>.<CR><LF>",
          "D:", "S:250 2.0.0 Ok: queued as 4F2A1",
          SMTP_QUIT,
        },
        .sent = "To: bob@tern.test, nobody@tern.test\r\n",
        .state = {
          STATE_SENT_O1,
          "outbox o1 partly-sent attempts=0 due \"rejected\\tnobody@tern.test\\t"
          "550 5.1.1 <nobody@tern.test>: Recipient address rejected: User unknown\"",
        },
      },
    },
  },
};

/* ---- running them ------------------------------------------------------------------- */

static char *
message_text (const char *name)
{
  return g_strdup_printf ("From: Bob <bob@tern.test>\r\n"
                          "To: alice@tern.test\r\n"
                          "Subject: message %s\r\n"
                          "Message-ID: <%s@tern.test>\r\n"
                          "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
                          "Content-Type: text/plain\r\n"
                          "\r\n"
                          "This is message %s.\r\n", name, name, name);
}

/* Adds the lines of @literal (which ends with CRLF) as "S:" steps. */
static void
add_literal_lines (GPtrArray  *steps,
                   const char *literal,
                   guint       max_lines)
{
  g_auto(GStrv) lines = g_strsplit (literal, "\r\n", -1);
  guint n = g_strv_length (lines) - 1;   /* the last is the empty rest after the final CRLF */

  for (guint i = 0; i < n && i < max_lines; i++)
    g_ptr_array_add (steps, g_strconcat ("S:", lines[i], NULL));
}

/* Expands the "@" steps (see the top of this file) into fake-server steps. */
static GPtrArray *
expand_script (const char * const *script)
{
  GPtrArray *steps = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < MAX_STEPS && script[i] != NULL; i++)
    {
      g_auto(GStrv) words = NULL;
      g_autofree char *text = NULL;
      g_autofree char *header = NULL;
      const char *literal;
      const char *flags;
      gsize size;

      if (script[i][0] != '@')
        {
          g_ptr_array_add (steps, g_strdup (script[i]));
          continue;
        }
      words = g_strsplit (script[i], " ", 5);
      g_assert_cmpuint (g_strv_length (words), >=, 4);
      text = message_text (words[3]);
      size = strlen (text);
      header = g_strndup (text, strstr (text, "\r\n\r\n") + 4 - text);
      flags = words[4] != NULL ? words[4] : "()";

      if (g_str_equal (words[0], "@HEADER") || g_str_equal (words[0], "@WHOLE"))
        {
          gboolean whole = g_str_equal (words[0], "@WHOLE");

          literal = whole ? text : header;
          g_ptr_array_add (steps, g_strdup_printf ("S:* %s FETCH (UID %s FLAGS %s "
                                                   "INTERNALDATE \"01-Jan-2024 10:00:00 +0000\" "
                                                   "RFC822.SIZE %" G_GSIZE_FORMAT " %s {%" G_GSIZE_FORMAT "}",
                                                   words[1], words[2], flags, size,
                                                   whole ? "BODY[]" : "BODY[HEADER]", strlen (literal)));
          add_literal_lines (steps, literal, G_MAXUINT);
          g_ptr_array_add (steps, g_strdup ("S:)"));
        }
      else if (g_str_equal (words[0], "@BODY") || g_str_equal (words[0], "@CUT"))
        {
          gboolean cut = g_str_equal (words[0], "@CUT");

          g_ptr_array_add (steps, g_strdup_printf ("S:* %s FETCH (UID %s BODY[] {%" G_GSIZE_FORMAT "}",
                                                   words[1], words[2], size));
          add_literal_lines (steps, text, cut ? 1 : G_MAXUINT);
          if (!cut)
            g_ptr_array_add (steps, g_strdup ("S:)"));
        }
      else
        g_error ("not a step: %s", script[i]);
    }
  g_ptr_array_add (steps, NULL);
  return steps;
}

static FakeServer *
start_server (const char * const *script)
{
  g_autoptr(GPtrArray) steps = NULL;

  if (script[0] == NULL)
    return NULL;
  steps = expand_script (script);
  return fake_server_new ((const char * const *) steps->pdata);
}

static TernAccount *
account_new (AccountKind  kind,
             FakeServer  *imap,
             FakeServer  *smtp)
{
  TernAccount *account = tern_account_new (ADDRESS, kind == ACCOUNT_POP3 ? TERN_ACCOUNT_PROTOCOL_POP3
                                                                         : TERN_ACCOUNT_PROTOCOL_IMAP);

  /* A run without a server for one side talks to a port where nothing listens: a
   * run that should not connect fails if it does. */
  tern_account_set_incoming (account, "127.0.0.1", imap != NULL ? fake_server_get_port (imap)
                                                                 : fake_server_unused_port (),
                             TERN_NET_SECURITY_NONE, "alice");
  tern_account_set_outgoing (account, "127.0.0.1", smtp != NULL ? fake_server_get_port (smtp)
                                                                 : fake_server_unused_port (),
                             TERN_NET_SECURITY_NONE, "alice");
  tern_account_set_allow_plaintext_auth (account, TRUE);
  return account;
}

/* The store's message called @name (Message-ID <name@tern.test>). */
static gint64
find_message (TernStoreDb *db,
              const char  *name)
{
  g_autofree char *message_id = g_strdup_printf ("%s@tern.test", name);
  gint64 account_id = tern_store_db_lookup_account (db, ADDRESS, NULL);
  g_autoptr(GPtrArray) folders = tern_store_db_list_folders (db, account_id, NULL);

  g_assert_nonnull (folders);
  for (guint i = 0; i < folders->len; i++)
    {
      gint64 folder_id = tern_store_folder_get_id (folders->pdata[i]);
      g_autoptr(GPtrArray) messages = tern_store_db_list_messages (db, folder_id, 0, 10000, NULL);

      for (guint j = 0; messages != NULL && j < messages->len; j++)
        if (g_strcmp0 (tern_store_message_get_message_id (messages->pdata[j]), message_id) == 0)
          return tern_store_message_get_id (messages->pdata[j]);
    }
  g_error ("no message %s in the store", name);
  return 0;
}

static char *
flags_text (TernStoreMessage *message)
{
  g_auto(GStrv) flags = tern_store_flags_to_strv (tern_store_message_get_flags (message));
  g_autofree char *joined = g_strjoinv (" ", flags);
  const char *keywords = tern_store_message_get_keywords (message);

  if (keywords != NULL && *joined != '\0')
    return g_strdup_printf ("(%s %s)", joined, keywords);
  return g_strdup_printf ("(%s)", keywords != NULL ? keywords : joined);
}

static int
compare_uid (gconstpointer a,
             gconstpointer b)
{
  guint32 ua = tern_store_message_get_uid (*(TernStoreMessage **) a);
  guint32 ub = tern_store_message_get_uid (*(TernStoreMessage **) b);

  if (ua != ub)
    return ua < ub ? -1 : 1;
  return g_strcmp0 (tern_store_message_get_message_id (*(TernStoreMessage **) a),
                    tern_store_message_get_message_id (*(TernStoreMessage **) b));
}

static int
compare_folder_path (gconstpointer a,
                     gconstpointer b)
{
  return strcmp (tern_store_folder_get_path (*(TernStoreFolder **) a),
                 tern_store_folder_get_path (*(TernStoreFolder **) b));
}

/* The store's whole state for the account, in the form of Run.state. */
static GPtrArray *
dump_state (TernStoreDb *db)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  gint64 account_id = tern_store_db_lookup_account (db, ADDRESS, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (account_id == 0)
    return lines;
  folders = tern_store_db_list_folders (db, account_id, &error);
  g_assert_no_error (error);
  g_ptr_array_sort (folders, compare_folder_path);
  for (guint i = 0; i < folders->len; i++)
    {
      TernStoreFolder *folder = folders->pdata[i];
      const char *path = tern_store_folder_get_path (folder);
      g_autoptr(GPtrArray) messages = tern_store_db_list_messages (db, tern_store_folder_get_id (folder), 0,
                                                                   10000,
                                                                   &error);
      g_autoptr(GString) line = g_string_new (path);

      g_assert_no_error (error);
      /* A local folder's UIDVALIDITY is made from the time: left out */
      if (tern_store_folder_get_server_path (folder) != NULL)
        g_string_append_printf (line, " uidvalidity=%u", tern_store_folder_get_uidvalidity (folder));
      else
        g_string_append (line, " local");
      g_string_append_printf (line, " uidnext=%u", tern_store_folder_get_uidnext (folder));
      if (tern_store_folder_get_highestmodseq (folder) != 0)
        g_string_append_printf (line, " modseq=%" G_GUINT64_FORMAT,
                                tern_store_folder_get_highestmodseq (folder));
      g_ptr_array_add (lines, g_string_free (g_steal_pointer (&line), FALSE));

      g_ptr_array_sort (messages, compare_uid);
      for (guint j = 0; j < messages->len; j++)
        {
          TernStoreMessage *message = messages->pdata[j];
          g_autofree char *uid = NULL;
          g_autofree char *name = g_strdup (tern_store_message_get_message_id (message));
          g_autofree char *flags = flags_text (message);
          char *at;

          if (tern_store_message_get_uid (message) >= TERN_STORE_LOCAL_UID_BASE)
            uid = g_strdup ("local");
          else
            uid = g_strdup_printf ("%u", tern_store_message_get_uid (message));
          if (name != NULL && (at = strchr (name, '@')) != NULL)
            *at = '\0';
          g_ptr_array_add (lines, g_strdup_printf ("%s %s %s %s %s", path, uid, name, flags,
                                                   tern_store_message_get_has_body (message) ? "body"
                                                                                             : "header"));
        }
    }

  g_ptr_array_add (lines, g_strdup_printf ("journal %" G_GINT64_FORMAT,
                                           tern_store_db_sync_journal_count (db, account_id, NULL)));

  outbox = tern_store_db_outbox_list (db, account_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < outbox->len; i++)
    {
      TernStoreOutboxEntry *entry = outbox->pdata[i];
      g_autofree char *last_error = entry->last_error != NULL ? g_strescape (entry->last_error, NULL) : NULL;
      g_autoptr(GBytes) raw = tern_store_db_outbox_get_raw (db, entry->id, &error);
      g_autofree char *text = NULL;
      g_autofree char *name = NULL;
      const char *id;

      g_assert_no_error (error);
      /* the message's name, from its Message-ID <name@tern.test> */
      text = g_strndup (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
      id = strstr (text, "Message-ID: <");
      name = id != NULL ? g_strndup (id + 13, strcspn (id + 13, "@>")) : g_strdup ("?");
      g_ptr_array_add (lines, g_strdup_printf ("outbox %s %s attempts=%u %s%s%s%s", name,
                                               tern_store_outbox_state_to_string (entry->state),
                                               entry->attempts,
                                               entry->next_attempt > now ? "retry" : "due",
                                               last_error != NULL ? " \"" : "",
                                               last_error != NULL ? last_error : "",
                                               last_error != NULL ? "\"" : ""));
    }
  return lines;
}

/* NULL when the store is as @expected says; else a report of the differences. */
static char *
compare_state (TernStoreDb        *db,
               const char * const *expected)
{
  g_autoptr(GPtrArray) got = dump_state (db);
  g_autoptr(GString) report = g_string_new ("the store is not as expected (expected | got):\n");
  gboolean same = TRUE;
  guint n = 0;

  while (n < MAX_LINES && expected[n] != NULL)
    n++;
  for (guint i = 0; i < MAX (n, got->len); i++)
    {
      const char *want = i < n ? expected[i] : NULL;
      const char *have = i < got->len ? got->pdata[i] : NULL;
      gboolean equal = g_strcmp0 (want, have) == 0;

      same = same && equal;
      g_string_append_printf (report, "%s %-50s | %s\n", equal ? " " : "!", want != NULL ? want : "",
                              have != NULL ? have : "");
    }
  return same ? NULL : g_string_free (g_steal_pointer (&report), FALSE);
}

/* Keeps the words of every progress report. */
static void
progress_cb (const TernAccountProgress *progress,
             gpointer                   user_data)
{
  if (progress->message != NULL)
    g_ptr_array_add (user_data, g_strdup (progress->message));
}

static gint64
find_folder (TernStoreDb *db,
             const char  *path)
{
  g_autoptr(TernStoreFolder) folder = NULL;

  folder = tern_store_db_lookup_folder (db, tern_store_db_lookup_account (db, ADDRESS, NULL), path, NULL);
  g_assert_nonnull (folder);
  return tern_store_folder_get_id (folder);
}

static void
run_action (const Scenario  *scenario,
            const Run       *run,
            TernStoreDb     *db,
            TernAccount     *account,
            GPtrArray       *reports,
            GError         **error)
{
  g_auto(GStrv) args = g_strsplit (run->arg != NULL ? run->arg : "", " ", 2);
  TernSyncImapOptions options;
  gint64 id;

  switch (run->action)
    {
    case RUN_SYNC:
      tern_sync_imap_options_init (&options);
      options.follow_metered = FALSE;
      tern_sync_imap_run_full (db, account, PASSWORD, &options, progress_cb, reports, NULL, error);
      break;

    case RUN_SET_FLAGS:
      {
        TernStoreFlags flag = 0;

        g_assert_true (tern_store_flag_from_string (args[1] + 1, &flag));
        id = find_message (db, args[0]);
        tern_sync_journal_set_flags (db, &id, 1, args[1][0] == '+' ? flag : 0, args[1][0] == '-' ? flag : 0,
                                     NULL, error);
      }
      break;

    case RUN_MOVE:
      id = find_message (db, args[0]);
      tern_sync_journal_move (db, &id, 1, find_folder (db, args[1]), NULL, error);
      break;

    case RUN_COPY:
      id = find_message (db, args[0]);
      tern_sync_journal_copy (db, &id, 1, find_folder (db, args[1]), NULL, error);
      break;

    case RUN_DELETE:
      id = find_message (db, args[0]);
      tern_sync_journal_delete (db, &id, 1, error);
      break;

    case RUN_DELETE_FOLDER:
      tern_sync_journal_delete_folder (db, find_folder (db, args[0]), error);
      break;

    case RUN_DRAFT:
      {
        g_autofree char *text = message_text (args[0]);
        g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));

        tern_sync_journal_save_draft (db, find_folder (db, args[1]), raw, 0, error);
      }
      break;

    case RUN_ENQUEUE:
      {
        g_auto(GStrv) recipients = g_strsplit (args[1], ",", -1);
        g_autofree char *to = g_strjoinv (", ", recipients);
        g_autofree char *text = g_strdup_printf ("From: Alice <alice@tern.test>\r\n"
                                                 "To: %s\r\n"
                                                 "Subject: outgoing %s\r\n"
                                                 "Message-ID: <%s@tern.test>\r\n"
                                                 "Date: Mon, 1 Jan 2024 12:00:00 +0000\r\n"
                                                 "\r\n"
                                                 "This is %s.\r\n", to, args[0], args[0], args[0]);
        g_autoptr(GBytes) message = g_bytes_new (text, strlen (text));

        tern_outbox_enqueue (db, account, message, error);
      }
      break;

    case RUN_FLUSH:
      tern_outbox_flush (db, account, PASSWORD, NULL, NULL, NULL, error);
      break;

    case RUN_FLUSH_NOW:
      tern_outbox_flush_full (db, account, PASSWORD, TERN_OUTBOX_FLUSH_NOW, NULL, NULL, NULL, error);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Runs one run of a scenario; NULL when all went as the table says, else why not. */
static char *
run_one (const Scenario *scenario,
         const Run      *run,
         TernStoreDb    *db)
{
  g_autoptr(FakeServer) imap = start_server (run->imap);
  g_autoptr(FakeServer) smtp = start_server (run->smtp);
  g_autoptr(TernAccount) account = account_new (scenario->account, imap, smtp);
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *failure = NULL;

  run_action (scenario, run, db, account, reports, &error);
  /* The servers first: what they saw says most about a run that went wrong. */
  if (imap != NULL && !fake_server_finish (imap, &failure))
    return g_strdup_printf ("the IMAP server: %s (the client: %s)", failure,
                            error != NULL ? error->message : "no error");
  if (smtp != NULL && !fake_server_finish (smtp, &failure))
    return g_strdup_printf ("the SMTP server: %s (the client: %s)", failure,
                            error != NULL ? error->message : "no error");
  if (run->error == NULL && error != NULL)
    return g_strdup_printf ("failed: %s", error->message);
  if (run->error != NULL && error == NULL)
    return g_strdup_printf ("succeeded, but should fail with “%s”", run->error);
  if (run->error != NULL && strstr (error->message, run->error) == NULL)
    return g_strdup_printf ("failed with “%s”, not with “%s”", error->message, run->error);
  if (error != NULL)
    g_test_message ("failed, as it should: %s", error->message);
  if (run->sent != NULL)
    {
      GBytes *sent;

      if (smtp == NULL || fake_server_get_n_data (smtp) == 0)
        return g_strdup ("no message reached the SMTP server");
      sent = fake_server_get_data (smtp, 0);
      if (g_strstr_len (g_bytes_get_data (sent, NULL), g_bytes_get_size (sent), run->sent) == NULL)
        return g_strdup_printf ("the message sent lacks “%s”:\n%.*s", run->sent,
                                (int) g_bytes_get_size (sent),
                                (const char *) g_bytes_get_data (sent, NULL));
    }
  if (run->reported != NULL)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < reports->len && !found; i++)
        found = strstr (reports->pdata[i], run->reported) != NULL;
      if (!found)
        {
          g_autofree char *all = NULL;

          g_ptr_array_add (reports, NULL);
          all = g_strjoinv ("\n", (char **) reports->pdata);
          return g_strdup_printf ("no progress report says “%s”; they were:\n%s", run->reported, all);
        }
    }
  return compare_state (db, run->state);
}

static void
run_scenario (gconstpointer data)
{
  const Scenario *scenario = data;
  g_autofree char *dir = store_test_case_dir ();
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = tern_store_db_open (path, &error);

  g_assert_no_error (error);
  for (guint r = 0; r < MAX_RUNS && scenario->runs[r].action != RUN_END; r++)
    {
      g_autofree char *failure = NULL;

      g_test_message ("run %u", r + 1);
      failure = run_one (scenario, &scenario->runs[r], db);
      if (failure == NULL)
        continue;
      g_test_message ("run %u: %s", r + 1, failure);
      if (scenario->known_bug != NULL)
        g_test_incomplete_printf ("known engine bug: %s", scenario->known_bug);
      else
        g_test_fail_printf ("run %u: %s", r + 1, failure);
      return;
    }
  if (scenario->known_bug != NULL)
    g_test_fail_printf ("the scenario passes: the known bug “%s” is fixed, remove its mark",
                        scenario->known_bug);
}

int
main (int argc, char **argv)
{
  store_test_home_setup ();
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (sync_scenarios); i++)
    {
      g_autofree char *name = g_strconcat ("/sync/scenario/", sync_scenarios[i].name, NULL);
      g_test_add_data_func (name, &sync_scenarios[i], run_scenario);
    }
  for (guint i = 0; i < G_N_ELEMENTS (outbox_scenarios) && outbox_scenarios[i].name != NULL; i++)
    {
      g_autofree char *name = g_strconcat ("/outbox/scenario/", outbox_scenarios[i].name, NULL);
      g_test_add_data_func (name, &outbox_scenarios[i], run_scenario);
    }

  return store_test_home_cleanup (g_test_run ());
}
