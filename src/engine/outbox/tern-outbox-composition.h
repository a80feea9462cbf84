/* tern-outbox-composition.h: a message being written, and the message it makes
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * TernOutboxAttachment:
 * @filename: the file's name, as the recipient sees it (UTF-8)
 * @content_type: its MIME type ("application/pdf"); "message/rfc822" for a message
 *   forwarded as an attachment
 * @data: its bytes
 */
typedef struct
{
  char   *filename;
  char   *content_type;
  GBytes *data;
} TernOutboxAttachment;

TernOutboxAttachment *tern_outbox_attachment_new          (const char            *filename,
                                                           const char            *content_type,
                                                           GBytes                *data);
TernOutboxAttachment *tern_outbox_attachment_new_for_path (const char            *path,
                                                           GError               **error);
TernOutboxAttachment *tern_outbox_attachment_copy         (const TernOutboxAttachment *attachment);
void                  tern_outbox_attachment_free         (TernOutboxAttachment  *attachment);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernOutboxAttachment, tern_outbox_attachment_free)

/**
 * TernOutboxOrigin:
 * @TERN_OUTBOX_ORIGIN_NONE: a new message
 * @TERN_OUTBOX_ORIGIN_REPLY: a reply: the original is marked answered once it is sent
 * @TERN_OUTBOX_ORIGIN_FORWARD: a forward: the original gets the keyword $Forwarded
 */
typedef enum
{
  TERN_OUTBOX_ORIGIN_NONE,
  TERN_OUTBOX_ORIGIN_REPLY,
  TERN_OUTBOX_ORIGIN_FORWARD,
} TernOutboxOrigin;

/**
 * TernOutboxComposition:
 * @from: the sender, "Name <address>" or an address
 * @to: the To addresses as written (RFC 5322 list, comma separated), or %NULL
 * @cc: the Cc addresses, or %NULL
 * @bcc: the Bcc addresses, or %NULL
 * @subject: the subject, or %NULL
 * @body: the text as written: UTF-8, one line per paragraph, "\n" line ends
 * @cursor: where the writing starts in @body, in characters (a reply's place)
 * @attachments: (element-type TernOutboxAttachment): the attachments
 * @in_reply_to: the Message-ID replied to, without angle brackets, or %NULL
 * @references: (array zero-terminated=1) (nullable): the References, oldest first,
 *   without angle brackets
 * @origin: what the message answers or forwards
 * @origin_message_id: the Message-ID of that message, or %NULL
 *
 * A plain record, safe to move between threads.
 */
typedef struct
{
  char              *from;
  char              *to;
  char              *cc;
  char              *bcc;
  char              *subject;
  char              *body;
  int                cursor;
  GPtrArray         *attachments;
  char              *in_reply_to;
  char             **references;
  TernOutboxOrigin   origin;
  char              *origin_message_id;
} TernOutboxComposition;

/**
 * TernOutboxBuildFlags:
 * @TERN_OUTBOX_BUILD_NONE: the message to send
 * @TERN_OUTBOX_BUILD_DRAFT: a draft: it also says what it answers or forwards
 *   (X-Tern-Origin), so that sending it later marks the original
 */
typedef enum
{
  TERN_OUTBOX_BUILD_NONE  = 0,
  TERN_OUTBOX_BUILD_DRAFT = 1 << 0,
} TernOutboxBuildFlags;

/**
 * TernOutboxSignaturePlacement:
 * @TERN_OUTBOX_SIGNATURE_ABOVE_QUOTE: the signature (and the writing) above the quote
 * @TERN_OUTBOX_SIGNATURE_BELOW_QUOTE: the writing below the quote, then the signature
 */
typedef enum
{
  TERN_OUTBOX_SIGNATURE_ABOVE_QUOTE,
  TERN_OUTBOX_SIGNATURE_BELOW_QUOTE,
} TernOutboxSignaturePlacement;

#define TERN_TYPE_OUTBOX_COMPOSITION (tern_outbox_composition_get_type ())

GType                  tern_outbox_composition_get_type    (void) G_GNUC_CONST;
TernOutboxComposition *tern_outbox_composition_new         (void);
TernOutboxComposition *tern_outbox_composition_copy        (const TernOutboxComposition *self);
void                   tern_outbox_composition_free        (TernOutboxComposition       *self);

GBytes                *tern_outbox_composition_build       (const TernOutboxComposition *self,
                                                            TernOutboxBuildFlags         flags,
                                                            GError                     **error);
TernOutboxComposition *tern_outbox_composition_new_from_message (GBytes                 *raw,
                                                            GError                     **error);
TernOutboxComposition *tern_outbox_composition_new_from_mailto  (const char             *uri,
                                                            GError                     **error);
void                   tern_outbox_composition_add_signature (TernOutboxComposition     *self,
                                                            const char                 *signature,
                                                            TernOutboxSignaturePlacement placement);
gboolean               tern_outbox_composition_has_recipients (const TernOutboxComposition *self);

gboolean               tern_outbox_check_addresses         (const char                 *text,
                                                            char                      **bad,
                                                            guint                      *n_addresses);
gboolean               tern_outbox_address_is_valid        (const char                 *address);
char                 **tern_outbox_dup_addresses           (const char                 *text);
gboolean               tern_outbox_text_mentions_attachment (const char                *text,
                                                            const char * const         *words);
const char * const    *tern_outbox_get_attachment_words    (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernOutboxComposition, tern_outbox_composition_free)

G_END_DECLS
