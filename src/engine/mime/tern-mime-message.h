/* tern-mime-message.h: a message parsed for reading: headers, the bodies to show,
 * attachments and inline parts
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The most text of one body part the reader shows, in bytes; longer text is cut
 * (TernMimeBody.truncated) and View Source shows all of it. */
#define TERN_MIME_MESSAGE_MAX_TEXT (4 * 1024 * 1024)

/**
 * TernMimeMessageFlags:
 * @TERN_MIME_MESSAGE_DEFAULT: of text/plain and text/html alternatives, show the HTML
 * @TERN_MIME_MESSAGE_PREFER_PLAIN: show the plain text alternative when there is one
 */
typedef enum
{
  TERN_MIME_MESSAGE_DEFAULT      = 0,
  TERN_MIME_MESSAGE_PREFER_PLAIN = 1 << 0,
} TernMimeMessageFlags;

/**
 * TernMimeBodyKind:
 * @TERN_MIME_BODY_PLAIN: plain text, format=flowed already joined
 * @TERN_MIME_BODY_HTML: an HTML document, as sent (converted to UTF-8)
 * @TERN_MIME_BODY_NOTICE: a sentence from Tern shown in place of a part it cannot
 *   show (an encrypted message)
 */
typedef enum
{
  TERN_MIME_BODY_PLAIN,
  TERN_MIME_BODY_HTML,
  TERN_MIME_BODY_NOTICE,
} TernMimeBodyKind;

/**
 * TernMimeBody:
 * @kind: what @text is
 * @text: UTF-8 text
 * @charset: (nullable): the charset the part declared (or its HTML did)
 * @truncated: whether @text was cut at %TERN_MIME_MESSAGE_MAX_TEXT
 *
 * One piece of the message's text, in the order the reader shows them.
 */
typedef struct
{
  TernMimeBodyKind  kind;
  char             *text;
  char             *charset;
  gboolean          truncated;
} TernMimeBody;

/**
 * TernMimeAddress:
 * @name: (nullable): the display name, decoded
 * @address: the address (may be empty for a malformed mailbox)
 */
typedef struct
{
  char *name;
  char *address;
} TernMimeAddress;

#define TERN_TYPE_MIME_BODY (tern_mime_body_get_type ())
#define TERN_TYPE_MIME_ADDRESS (tern_mime_address_get_type ())
GType            tern_mime_body_get_type     (void) G_GNUC_CONST;
GType            tern_mime_address_get_type  (void) G_GNUC_CONST;
TernMimeBody    *tern_mime_body_copy         (const TernMimeBody    *body);
void             tern_mime_body_free         (TernMimeBody          *body);
TernMimeAddress *tern_mime_address_copy      (const TernMimeAddress *address);
void             tern_mime_address_free      (TernMimeAddress       *address);
char            *tern_mime_address_to_string (const TernMimeAddress *address);
GPtrArray       *tern_mime_address_list_parse (const char           *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernMimeBody, tern_mime_body_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernMimeAddress, tern_mime_address_free)

#define TERN_TYPE_MIME_PART (tern_mime_part_get_type ())
G_DECLARE_FINAL_TYPE (TernMimePart, tern_mime_part, TERN, MIME_PART, GObject)

const char *tern_mime_part_get_filename     (TernMimePart *self);
const char *tern_mime_part_get_content_type (TernMimePart *self);
const char *tern_mime_part_get_content_id   (TernMimePart *self);
gsize       tern_mime_part_get_size         (TernMimePart *self);
GBytes     *tern_mime_part_get_bytes        (TernMimePart *self);
gboolean    tern_mime_part_is_attachment    (TernMimePart *self);

#define TERN_TYPE_MIME_MESSAGE (tern_mime_message_get_type ())
G_DECLARE_FINAL_TYPE (TernMimeMessage, tern_mime_message, TERN, MIME_MESSAGE, GObject)

TernMimeMessage *tern_mime_message_new               (GBytes               *raw,
                                                      TernMimeMessageFlags  flags);
GBytes          *tern_mime_message_get_raw           (TernMimeMessage      *self);
const char      *tern_mime_message_get_subject       (TernMimeMessage      *self);
GPtrArray       *tern_mime_message_get_from          (TernMimeMessage      *self);
GPtrArray       *tern_mime_message_get_to            (TernMimeMessage      *self);
GPtrArray       *tern_mime_message_get_cc            (TernMimeMessage      *self);
GPtrArray       *tern_mime_message_get_reply_to      (TernMimeMessage      *self);
GDateTime       *tern_mime_message_get_date          (TernMimeMessage      *self);
const char      *tern_mime_message_get_message_id    (TernMimeMessage      *self);
GPtrArray       *tern_mime_message_get_bodies        (TernMimeMessage      *self);
GPtrArray       *tern_mime_message_get_parts         (TernMimeMessage      *self);
GPtrArray       *tern_mime_message_get_attachments   (TernMimeMessage      *self);
TernMimePart    *tern_mime_message_lookup_content_id (TernMimeMessage      *self,
                                                      const char           *content_id);
gboolean         tern_mime_message_has_html          (TernMimeMessage      *self);

G_END_DECLS
