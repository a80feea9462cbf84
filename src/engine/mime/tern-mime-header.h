/* tern-mime-header.h: a message's header fields decoded as every front end shows them
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gmime/gmime.h>

G_BEGIN_DECLS

/**
 * TernMimeMailbox:
 * @name: (nullable): the decoded display name
 * @address: (nullable): the address as shown: the domain in Unicode when it is safe
 *   to show so, an encoded local part decoded, or whatever could be read of a
 *   malformed mailbox; %NULL only for the entry that stands for an empty group
 * @group: (nullable): the name of the group the mailbox is in
 *
 * One mailbox of an address header.
 */
typedef struct
{
  char *name;
  char *address;
  char *group;
} TernMimeMailbox;

/**
 * TernMimeHeaders:
 * @subject: (nullable): the first Subject, decoded
 * @from: (element-type TernMimeMailbox): the first From's mailboxes
 * @to: (element-type TernMimeMailbox): the mailboxes of every To
 * @cc: (element-type TernMimeMailbox): of every Cc
 * @bcc: (element-type TernMimeMailbox): of every Bcc
 * @reply_to: (element-type TernMimeMailbox): of every Reply-To
 * @date: (nullable): the first Date
 *
 * The header fields a reader sees, decoded once for the store, tern-cli and the
 * reader alike (tern_mime_headers_new()).
 */
typedef struct
{
  char      *subject;
  GPtrArray *from;
  GPtrArray *to;
  GPtrArray *cc;
  GPtrArray *bcc;
  GPtrArray *reply_to;
  GDateTime *date;
} TernMimeHeaders;

#define TERN_TYPE_MIME_MAILBOX (tern_mime_mailbox_get_type ())

GType              tern_mime_mailbox_get_type          (void) G_GNUC_CONST;
TernMimeMailbox   *tern_mime_mailbox_copy              (const TernMimeMailbox *mailbox);
void               tern_mime_mailbox_free              (TernMimeMailbox       *mailbox);

TernMimeHeaders   *tern_mime_headers_new               (GMimeMessage          *message);
void               tern_mime_headers_free              (TernMimeHeaders       *headers);

char              *tern_mime_header_find_text_charset  (GMimeObject           *message);
char              *tern_mime_header_to_utf8            (const char            *value,
                                                        gsize                  len,
                                                        const char            *text_charset);
char              *tern_mime_header_decode_text        (const char            *value,
                                                        const char            *text_charset);
GPtrArray         *tern_mime_header_parse_addresses    (const char            *value,
                                                        const char            *text_charset);
char              *tern_mime_mailboxes_to_string       (GPtrArray             *mailboxes);
GDateTime         *tern_mime_header_parse_date         (const char            *value);
char              *tern_mime_header_display_domain     (const char            *domain);

char              *tern_mime_header_fix_encoded_words  (const char            *value);
gboolean           tern_mime_header_gmime_drops_words  (void);
const char * const *tern_mime_header_locale_charsets   (const char            *language);
void               tern_mime_header_set_language       (const char            *language);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernMimeMailbox, tern_mime_mailbox_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernMimeHeaders, tern_mime_headers_free)

G_END_DECLS
