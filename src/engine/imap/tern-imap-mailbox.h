/* tern-imap-mailbox.h: a mailbox as LIST and STATUS describe it
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tern-imap-response.h"
#include "tern-imap-types.h"

G_BEGIN_DECLS

/**
 * TernImapMailboxFlags:
 *
 * The LIST attributes (RFC 3501, RFC 5258) and special uses (RFC 6154, plus Gmail's
 * \Important).
 */
typedef enum
{
  TERN_IMAP_MAILBOX_NOSELECT        = 1 << 0,
  TERN_IMAP_MAILBOX_NOINFERIORS     = 1 << 1,
  TERN_IMAP_MAILBOX_HAS_CHILDREN    = 1 << 2,
  TERN_IMAP_MAILBOX_HAS_NO_CHILDREN = 1 << 3,
  TERN_IMAP_MAILBOX_MARKED          = 1 << 4,
  TERN_IMAP_MAILBOX_UNMARKED        = 1 << 5,
  TERN_IMAP_MAILBOX_SUBSCRIBED      = 1 << 6,
  TERN_IMAP_MAILBOX_NONEXISTENT     = 1 << 7,
  TERN_IMAP_MAILBOX_REMOTE          = 1 << 8,
  TERN_IMAP_MAILBOX_ALL             = 1 << 9,
  TERN_IMAP_MAILBOX_ARCHIVE         = 1 << 10,
  TERN_IMAP_MAILBOX_DRAFTS          = 1 << 11,
  TERN_IMAP_MAILBOX_FLAGGED         = 1 << 12,
  TERN_IMAP_MAILBOX_JUNK            = 1 << 13,
  TERN_IMAP_MAILBOX_SENT            = 1 << 14,
  TERN_IMAP_MAILBOX_TRASH           = 1 << 15,
  TERN_IMAP_MAILBOX_IMPORTANT       = 1 << 16,
} TernImapMailboxFlags;

#define TERN_IMAP_MAILBOX_SPECIAL_USE_MASK \
  (TERN_IMAP_MAILBOX_ALL | TERN_IMAP_MAILBOX_ARCHIVE | TERN_IMAP_MAILBOX_DRAFTS | \
   TERN_IMAP_MAILBOX_FLAGGED | TERN_IMAP_MAILBOX_JUNK | TERN_IMAP_MAILBOX_SENT | \
   TERN_IMAP_MAILBOX_TRASH | TERN_IMAP_MAILBOX_IMPORTANT)

/**
 * TernImapStatusItems:
 *
 * STATUS items (RFC 3501, RFC 7162 HIGHESTMODSEQ, RFC 8438 SIZE, RFC 9051 DELETED).
 */
typedef enum
{
  TERN_IMAP_STATUS_ITEM_MESSAGES      = 1 << 0,
  TERN_IMAP_STATUS_ITEM_RECENT        = 1 << 1,
  TERN_IMAP_STATUS_ITEM_UIDNEXT       = 1 << 2,
  TERN_IMAP_STATUS_ITEM_UIDVALIDITY   = 1 << 3,
  TERN_IMAP_STATUS_ITEM_UNSEEN        = 1 << 4,
  TERN_IMAP_STATUS_ITEM_HIGHESTMODSEQ = 1 << 5,
  TERN_IMAP_STATUS_ITEM_SIZE          = 1 << 6,
  TERN_IMAP_STATUS_ITEM_DELETED       = 1 << 7,
} TernImapStatusItems;

#define TERN_IMAP_TYPE_MAILBOX (tern_imap_mailbox_get_type ())

/**
 * TernImapMailbox:
 * @name: the name in UTF-8
 * @encoded_name: the name as the server spells it (modified UTF-7, or UTF-8 when
 *   UTF8=ACCEPT is enabled or the server speaks IMAP4rev2 only)
 * @delimiter: the hierarchy delimiter, or 0 when the server says NIL
 * @flags: attributes and special use
 * @status_items: which of the status fields are known
 */
struct _TernImapMailbox
{
  char                 *name;
  char                 *encoded_name;
  char                  delimiter;
  TernImapMailboxFlags  flags;
  TernImapStatusItems   status_items;
  guint32               messages;
  guint32               recent;
  guint32               uidnext;
  guint32               uidvalidity;
  guint32               unseen;
  guint32               deleted;
  guint64               highest_modseq;
  guint64               size;
};

GType             tern_imap_mailbox_get_type           (void) G_GNUC_CONST;
TernImapMailbox  *tern_imap_mailbox_new                (const char             *name);
TernImapMailbox  *tern_imap_mailbox_new_from_list      (const TernImapResponse *response,
                                                        gboolean                utf8_names,
                                                        GError                **error);
gboolean          tern_imap_mailbox_apply_status       (TernImapMailbox        *self,
                                                        const TernImapValue    *items);
TernImapMailbox  *tern_imap_mailbox_copy               (const TernImapMailbox  *self);
void              tern_imap_mailbox_free               (TernImapMailbox        *self);

char             *tern_imap_mailbox_encode_name        (const char             *name,
                                                        gboolean                utf8_names);
char             *tern_imap_mailbox_decode_name        (const char             *encoded,
                                                        gsize                   length,
                                                        gboolean                utf8_names,
                                                        GError                **error);
gboolean          tern_imap_mailbox_name_equal         (const char             *a,
                                                        const char             *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernImapMailbox, tern_imap_mailbox_free)

G_END_DECLS
