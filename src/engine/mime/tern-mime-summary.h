/* tern-mime-summary.h: what the store keeps and indexes of one message
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Bump when the extracted text changes (the store then rebuilds its search index). */
#define TERN_MIME_SUMMARY_VERSION 1

/* The most body text kept per message for the index, in bytes. */
#define TERN_MIME_SUMMARY_MAX_TEXT (128 * 1024)

/**
 * TernMimeStatus:
 *
 * Flags read from the `Status:`/`X-Status:`/`X-Mozilla-Status:` headers that
 * mbox writers (mutt, Thunderbird, Evolution) leave in the message.
 */
typedef enum
{
  TERN_MIME_STATUS_NONE     = 0,
  TERN_MIME_STATUS_SEEN     = 1 << 0,
  TERN_MIME_STATUS_ANSWERED = 1 << 1,
  TERN_MIME_STATUS_FLAGGED  = 1 << 2,
  TERN_MIME_STATUS_DELETED  = 1 << 3,
  TERN_MIME_STATUS_DRAFT    = 1 << 4,
  TERN_MIME_STATUS_KNOWN    = 1 << 8, /* one of the headers was present */
} TernMimeStatus;

/**
 * TernMimeSummary:
 * @subject: the decoded subject, or %NULL
 * @from: the decoded From addresses ("Name <addr>, ..."), or %NULL
 * @to: the decoded To addresses, or %NULL
 * @cc: the decoded Cc addresses, or %NULL
 * @bcc: the decoded Bcc addresses, or %NULL
 * @message_id: the Message-ID without angle brackets, or %NULL
 * @in_reply_to: the first message id of In-Reply-To, or %NULL
 * @references: (array zero-terminated=1): References, oldest first (never %NULL)
 * @date: the Date header as Unix time, or 0 when absent or unreadable
 * @date_tz: the Date header's offset from UTC in minutes
 * @has_attachments: whether a part is an attachment
 * @attachment_names: the attachments' file names, one per line, or %NULL
 * @body_text: the body as UTF-8 text (HTML reduced to text), at most
 *   %TERN_MIME_SUMMARY_MAX_TEXT bytes; empty when only headers were given
 * @preview: a short preview of @body_text
 * @status: flags from mbox status headers
 * @header_size: the size of the header block in bytes
 *
 * A plain record made by tern_mime_summary_new(), safe to move between threads.
 */
typedef struct
{
  char           *subject;
  char           *from;
  char           *to;
  char           *cc;
  char           *bcc;
  char           *message_id;
  char           *in_reply_to;
  char          **references;
  gint64          date;
  int             date_tz;
  gboolean        has_attachments;
  char           *attachment_names;
  char           *body_text;
  char           *preview;
  TernMimeStatus  status;
  gsize           header_size;
} TernMimeSummary;

#define TERN_TYPE_MIME_SUMMARY (tern_mime_summary_get_type ())

GType            tern_mime_summary_get_type (void) G_GNUC_CONST;
TernMimeSummary *tern_mime_summary_new      (const guint8          *data,
                                             gsize                  len);
TernMimeSummary *tern_mime_summary_copy     (const TernMimeSummary *summary);
void             tern_mime_summary_free     (TernMimeSummary       *summary);
gsize            tern_mime_skip_envelope    (const guint8          *data,
                                             gsize                  len);
char            *tern_mime_normalize_subject (const char           *subject,
                                              gboolean             *had_prefix);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernMimeSummary, tern_mime_summary_free)

G_END_DECLS
