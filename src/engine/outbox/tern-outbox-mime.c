/* tern-outbox-mime.c: build and prepare messages for sending
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Messages are built with GMime: UTF-8 text in quoted-printable or base64 (whichever
 * GMime finds best for 7-bit transport), RFC 2047 encoded header text, RFC 2231
 * attachment names, a Message-ID on the sender's domain, the Date, CRLF line ends.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-outbox-error.h"
#include "tern-outbox-mime.h"
#include "tern-outbox-mime-private.h"
#include "tern-outbox-flowed.h"
#include "tern-mime-text.h"

static void
ensure_gmime (void)
{
  _tern_outbox_ensure_gmime ();
}

static const char *
domain_of (const char *address)
{
  return _tern_outbox_domain_of (address);
}

static gboolean
add_addresses (GMimeMessage       *message,
               GMimeAddressType    type,
               const char * const *addresses,
               GError            **error)
{
  InternetAddressList *list = g_mime_message_get_addresses (message, type);

  for (guint i = 0; addresses != NULL && addresses[i] != NULL; i++)
    {
      g_autoptr(InternetAddressList) parsed = internet_address_list_parse (NULL, addresses[i]);

      if (parsed == NULL || internet_address_list_length (parsed) == 0)
        {
          g_set_error (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_INVALID_ADDRESS,
                       _("“%s” is not an e-mail address"), addresses[i]);
          return FALSE;
        }
      internet_address_list_append (list, parsed);
    }
  return TRUE;
}

static GMimeObject *
attachment_new (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *content_type = NULL;
  g_autofree char *mime_type = NULL;
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeDataWrapper) wrapper = NULL;
  g_auto(GStrv) type = NULL;
  GMimePart *part;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  content_type = g_content_type_guess (basename, (const guchar *) contents, length, NULL);
  mime_type = g_content_type_get_mime_type (content_type);
  if (mime_type == NULL || strchr (mime_type, '/') == NULL)
    {
      g_free (mime_type);
      mime_type = g_strdup ("application/octet-stream");
    }
  type = g_strsplit (mime_type, "/", 2);

  part = g_mime_part_new_with_type (type[0], type[1]);
  stream = g_mime_stream_mem_new_with_buffer (contents, length);
  wrapper = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
  g_mime_part_set_content (part, wrapper);
  g_mime_object_set_disposition (GMIME_OBJECT (part), GMIME_DISPOSITION_ATTACHMENT);
  /* Non-ASCII names are written as RFC 2231 parameters (GMime's default method). */
  g_mime_part_set_filename (part, basename);
  g_mime_part_set_content_encoding (part,
                                    g_mime_part_get_best_content_encoding (part, GMIME_ENCODING_CONSTRAINT_7BIT));
  return GMIME_OBJECT (part);
}

static GBytes *
write_message (GMimeObject *object)
{
  return _tern_outbox_write_object (object);
}

/**
 * tern_outbox_build_message:
 * @to: (array zero-terminated=1): addresses, each may hold several, comma separated
 * @cc: (array zero-terminated=1) (nullable):
 * @bcc: (array zero-terminated=1) (nullable):
 * @body: the text, UTF-8
 * @attachments: (array zero-terminated=1) (nullable): files to attach
 *
 * Fails with %TERN_OUTBOX_ERROR_INVALID_ADDRESS, %TERN_OUTBOX_ERROR_INVALID_TEXT, or
 * the error of reading an attachment (%G_FILE_ERROR).
 *
 * Returns: (transfer full): the message, with CRLF line ends
 */
GBytes *
tern_outbox_build_message (TernAccount         *account,
                           const char * const  *to,
                           const char * const  *cc,
                           const char * const  *bcc,
                           const char          *subject,
                           const char          *body,
                           const char * const  *attachments,
                           GError             **error)
{
  g_autoptr(GMimeMessage) message = NULL;
  g_autoptr(GMimeTextPart) text = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *message_id = NULL;
  const char *email = tern_account_get_email (account);
  const char *name = tern_account_get_name (account);

  ensure_gmime ();

  if (!g_utf8_validate (body, -1, NULL))
    {
      g_set_error (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_INVALID_TEXT,
                   _("The text of the message is not UTF-8"));
      return NULL;
    }

  message = g_mime_message_new (TRUE);
  if (name != NULL && g_ascii_strcasecmp (name, email) == 0)
    name = NULL;
  g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_FROM, name, email);
  if (!add_addresses (message, GMIME_ADDRESS_TYPE_TO, to, error) ||
      !add_addresses (message, GMIME_ADDRESS_TYPE_CC, cc, error) ||
      !add_addresses (message, GMIME_ADDRESS_TYPE_BCC, bcc, error))
    return NULL;
  g_mime_message_set_subject (message, subject != NULL ? subject : "", "utf-8");
  g_mime_message_set_date (message, now);
  message_id = g_mime_utils_generate_message_id (domain_of (email));
  g_mime_message_set_message_id (message, message_id);
  g_mime_object_set_header (GMIME_OBJECT (message), "User-Agent", "Tern/" PACKAGE_VERSION, NULL);

  /* The text goes in as the UTF-8 it is (g_mime_text_part_set_text() would pick
   * the "best" charset, often ISO-8859-1). */
  text = g_mime_text_part_new_with_subtype ("plain");
  {
    g_autoptr(GMimeStream) stream = g_mime_stream_mem_new_with_buffer (body, strlen (body));
    g_autoptr(GMimeDataWrapper) wrapper = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);

    g_mime_part_set_content (GMIME_PART (text), wrapper);
  }
  g_mime_text_part_set_charset (text, "utf-8");
  g_mime_part_set_content_encoding (GMIME_PART (text),
                                    g_mime_part_get_best_content_encoding (GMIME_PART (text),
                                                                           GMIME_ENCODING_CONSTRAINT_7BIT));

  if (attachments == NULL || attachments[0] == NULL)
    g_mime_message_set_mime_part (message, GMIME_OBJECT (text));
  else
    {
      g_autoptr(GMimeMultipart) mixed = g_mime_multipart_new_with_subtype ("mixed");

      g_mime_multipart_add (mixed, GMIME_OBJECT (text));
      for (guint i = 0; attachments[i] != NULL; i++)
        {
          g_autoptr(GMimeObject) part = attachment_new (attachments[i], error);
          if (part == NULL)
            return NULL;
          g_mime_multipart_add (mixed, part);
        }
      g_mime_message_set_mime_part (message, GMIME_OBJECT (mixed));
    }

  return write_message (GMIME_OBJECT (message));
}

/* Header end: the offset just past the blank line, or the length. */
static gsize
header_length (const char *data, gsize length)
{
  for (gsize i = 0; i < length; i++)
    {
      if (data[i] != '\n')
        continue;
      if (i + 1 < length && data[i + 1] == '\n')
        return i + 2;
      if (i + 2 < length && data[i + 1] == '\r' && data[i + 2] == '\n')
        return i + 3;
    }
  return length;
}

static gboolean
header_is (const char *line, gsize length, const char *name)
{
  gsize n = strlen (name);
  return length > n && line[n] == ':' && g_ascii_strncasecmp (line, name, n) == 0;
}

static void
collect (GPtrArray *out, GHashTable *seen, InternetAddressList *list)
{
  for (int i = 0; list != NULL && i < internet_address_list_length (list); i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_GROUP (address))
        collect (out, seen, internet_address_group_get_members (INTERNET_ADDRESS_GROUP (address)));
      else if (INTERNET_ADDRESS_IS_MAILBOX (address))
        {
          const char *addr = internet_address_mailbox_get_idn_addr (INTERNET_ADDRESS_MAILBOX (address));
          g_autofree char *key = NULL;

          if (addr == NULL || *addr == '\0')
            continue;
          key = g_ascii_strdown (addr, -1);
          if (g_hash_table_add (seen, g_steal_pointer (&key)))
            g_ptr_array_add (out, g_strdup (addr));
        }
    }
}

static GMimeMessage *
parse_header (GBytes *message)
{
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeParser) parser = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (message, &length);

  /* An empty GBytes may have no data at all, which GMime refuses (a critical). */
  if (length == 0)
    return NULL;
  ensure_gmime ();
  stream = g_mime_stream_mem_new_with_buffer (data, header_length (data, length));
  parser = g_mime_parser_new_with_stream (stream);
  return g_mime_parser_construct_message (parser, NULL);
}

/**
 * tern_outbox_dup_subject:
 *
 * Returns: (transfer full) (nullable): the decoded Subject
 */
char *
tern_outbox_dup_subject (GBytes *message)
{
  g_autoptr(GMimeMessage) parsed = parse_header (message);
  const char *subject = parsed != NULL ? g_mime_message_get_subject (parsed) : NULL;
  return g_strdup (subject);
}

/**
 * tern_outbox_prepare_message:
 * @recipients: (out) (transfer full): the envelope recipients (To, Cc, Bcc)
 * @subject: (out) (transfer full) (optional): the decoded Subject
 *
 * Takes the recipients from the header, removes the Bcc field, and adds a Date and
 * a Message-ID when missing. The rest of the message is kept byte for byte. Fails
 * with %TERN_OUTBOX_ERROR_NOT_A_MESSAGE or %TERN_OUTBOX_ERROR_NO_RECIPIENTS.
 *
 * Returns: (transfer full): the message to queue
 */
GBytes *
tern_outbox_prepare_message (TernAccount   *account,
                             GBytes        *message,
                             char        ***recipients,
                             char         **subject,
                             GError       **error)
{
  g_autoptr(GMimeMessage) parsed = parse_header (message);
  g_autoptr(GPtrArray) rcpts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GByteArray) out = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (message, &length);
  gsize head = header_length (data, length);
  const char *newline;
  gboolean has_date = FALSE, has_id = FALSE, skipping = FALSE;

  if (parsed == NULL || length == 0)
    {
      g_set_error (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_NOT_A_MESSAGE, _("This is not an e-mail message"));
      return NULL;
    }
  collect (rcpts, seen, g_mime_message_get_addresses (parsed, GMIME_ADDRESS_TYPE_TO));
  collect (rcpts, seen, g_mime_message_get_addresses (parsed, GMIME_ADDRESS_TYPE_CC));
  collect (rcpts, seen, g_mime_message_get_addresses (parsed, GMIME_ADDRESS_TYPE_BCC));
  if (rcpts->len == 0)
    {
      g_set_error (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_NO_RECIPIENTS,
                   _("The message has no recipients (no To, Cc or Bcc)"));
      return NULL;
    }

  newline = memchr (data, '\n', length) != NULL && memchr (data, '\n', length) > (void *) data &&
            ((const char *) memchr (data, '\n', length))[-1] == '\r' ? "\r\n" : "\n";
  out = g_byte_array_sized_new (length + 200);

  for (gsize p = 0; p < head;)
    {
      const char *line = data + p;
      const char *nl = memchr (line, '\n', head - p);
      gsize line_length = nl != NULL ? (gsize) (nl - line) + 1 : head - p;

      if (line[0] == ' ' || line[0] == '\t')
        ; /* a continuation: follows the decision for its field */
      else
        {
          skipping = header_is (line, line_length, "Bcc");
          has_date |= header_is (line, line_length, "Date");
          has_id |= header_is (line, line_length, "Message-ID");
        }
      if (!skipping)
        {
          /* Missing fields go just before the blank line. */
          if ((line[0] == '\n' || (line[0] == '\r' && line_length == 2)) && (!has_date || !has_id))
            {
              if (!has_date)
                {
                  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
                  g_autofree char *date = g_mime_utils_header_format_date (now);
                  g_autofree char *field = g_strdup_printf ("Date: %s%s", date, newline);
                  g_byte_array_append (out, (const guint8 *) field, strlen (field));
                }
              if (!has_id)
                {
                  g_autofree char *id = g_mime_utils_generate_message_id (domain_of (tern_account_get_email (account)));
                  g_autofree char *field = g_strdup_printf ("Message-ID: <%s>%s", id, newline);
                  g_byte_array_append (out, (const guint8 *) field, strlen (field));
                }
              has_date = has_id = TRUE;
            }
          g_byte_array_append (out, (const guint8 *) line, line_length);
        }
      p += line_length;
    }
  g_byte_array_append (out, (const guint8 *) data + head, length - head);

  g_ptr_array_add (rcpts, NULL);
  *recipients = (char **) g_ptr_array_steal (rcpts, NULL);
  if (subject != NULL)
    *subject = g_strdup (g_mime_message_get_subject (parsed));
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* ---- shared with the other files of the outbox ------------------------------------ */

void
_tern_outbox_ensure_gmime (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      g_mime_init ();
      g_once_init_leave (&done, 1);
    }
}

const char *
_tern_outbox_domain_of (const char *address)
{
  const char *at = address != NULL ? strrchr (address, '@') : NULL;
  return at != NULL && at[1] != '\0' ? at + 1 : "localhost";
}

/* The message as it goes out: CRLF line ends, RFC 2231 parameters. */
GBytes *
_tern_outbox_write_object (GMimeObject *object)
{
  GMimeFormatOptions *options = g_mime_format_options_clone (NULL);
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new ();
  GByteArray *array;

  g_mime_format_options_set_newline_format (options, GMIME_NEWLINE_FORMAT_DOS);
  g_mime_format_options_set_param_encoding_method (options, GMIME_PARAM_ENCODING_METHOD_RFC2231);
  g_mime_object_write_to_stream (object, options, stream);
  g_mime_format_options_free (options);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  return g_bytes_new (array->data, array->len);
}

/* The whole message, or NULL when GMime cannot read one. */
GMimeMessage *
_tern_outbox_parse_message (GBytes *raw)
{
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeParser) parser = NULL;
  gsize length = 0;
  const char *data = raw != NULL ? g_bytes_get_data (raw, &length) : NULL;

  if (length == 0)
    return NULL;
  _tern_outbox_ensure_gmime ();
  stream = g_mime_stream_mem_new_with_buffer (data, length);
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  return g_mime_parser_construct_message (parser, NULL);
}

/* A part's content, its transfer encoding undone. */
GBytes *
_tern_outbox_part_content (GMimePart *part)
{
  GMimeDataWrapper *wrapper = g_mime_part_get_content (part);
  g_autoptr(GMimeStream) stream = NULL;
  GByteArray *array;

  if (wrapper == NULL)
    return g_bytes_new (NULL, 0);
  stream = g_mime_stream_mem_new ();
  g_mime_data_wrapper_write_to_stream (wrapper, stream);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  return g_bytes_new (array->data, array->len);
}

/* A text part as UTF-8 with "\n" line ends, format=flowed undone. */
char *
_tern_outbox_part_text (GMimePart *part)
{
  g_autoptr(GBytes) content = _tern_outbox_part_content (part);
  GMimeContentType *type = g_mime_object_get_content_type (GMIME_OBJECT (part));
  const char *charset = g_mime_content_type_get_parameter (type, "charset");
  const char *format = g_mime_content_type_get_parameter (type, "format");
  const char *delsp = g_mime_content_type_get_parameter (type, "delsp");
  gsize length = 0;
  const char *data = g_bytes_get_data (content, &length);
  g_autofree char *text = tern_mime_text_to_utf8 (data != NULL ? data : "", length, charset);
  g_autoptr(GString) lf = g_string_sized_new (strlen (text));

  for (const char *p = text; *p != '\0'; p++)
    if (!(*p == '\r' && p[1] == '\n'))
      g_string_append_c (lf, *p);
  if (format != NULL && g_ascii_strcasecmp (format, "flowed") == 0 &&
      g_mime_content_type_is_type (type, "text", "plain"))
    return tern_outbox_flowed_decode (lf->str, delsp != NULL && g_ascii_strcasecmp (delsp, "yes") == 0);
  return g_string_free (g_steal_pointer (&lf), FALSE);
}

/* A Message-ID without its angle brackets (and what surrounds them). */
char *
_tern_outbox_strip_message_id (const char *value)
{
  if (value == NULL || *value == '\0')
    return NULL;
  return g_mime_utils_decode_message_id (value);
}
