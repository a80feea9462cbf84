/* tern-outbox-composition.c: a message being written, and the message it makes
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TernOutboxComposition is what a composer (the window's, or tern-cli) holds: the
 * addresses as written, the subject, the text as paragraphs, the attachments and what
 * the message answers. tern_outbox_composition_build() makes the RFC 5322 message of
 * it with GMime: the text in text/plain; format=flowed (RFC 3676) UTF-8, quoted-
 * printable when not plain ASCII; RFC 2047 header text; RFC 2231 file names; a
 * message forwarded as an attachment in a message/rfc822 part; In-Reply-To and
 * References. A draft is built the same way and read back by
 * tern_outbox_composition_new_from_message(), which is also how a message taken back
 * from the outbox returns to the composer. tern_outbox_composition_new_from_mailto()
 * reads a mailto: URI (RFC 6068).
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-outbox-composition.h"
#include "tern-outbox-error.h"
#include "tern-outbox-flowed.h"
#include "tern-outbox-mime-private.h"
#include "tern-outbox-attachment-words.h"

#define ORIGIN_HEADER "X-Tern-Origin"

/* ---- attachments ------------------------------------------------------------------ */

/**
 * tern_outbox_attachment_new:
 * @content_type: (nullable): its MIME type; %NULL guesses it from the name and bytes
 */
TernOutboxAttachment *
tern_outbox_attachment_new (const char *filename, const char *content_type, GBytes *data)
{
  TernOutboxAttachment *attachment = g_new0 (TernOutboxAttachment, 1);

  g_return_val_if_fail (data != NULL, NULL);

  attachment->filename = g_strdup (filename != NULL && *filename != '\0' ? filename : "attachment");
  attachment->data = g_bytes_ref (data);
  if (content_type != NULL && strchr (content_type, '/') != NULL)
    attachment->content_type = g_ascii_strdown (content_type, -1);
  else
    {
      gsize length = 0;
      const guchar *bytes = g_bytes_get_data (data, &length);
      g_autofree char *guessed = g_content_type_guess (attachment->filename, bytes, MIN (length, 4096), NULL);
      char *mime_type = g_content_type_get_mime_type (guessed);

      if (mime_type == NULL || strchr (mime_type, '/') == NULL)
        {
          g_free (mime_type);
          mime_type = g_strdup ("application/octet-stream");
        }
      attachment->content_type = mime_type;
    }
  return attachment;
}

/**
 * tern_outbox_attachment_new_for_path:
 *
 * Reads a file to attach (on the calling thread: not the UI's).
 *
 * Returns: (transfer full): the attachment, or %NULL with the file's error
 */
TernOutboxAttachment *
tern_outbox_attachment_new_for_path (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *display = NULL;
  g_autoptr(GBytes) data = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  basename = g_path_get_basename (path);
  display = g_filename_display_name (basename);
  data = g_bytes_new_take (g_steal_pointer (&contents), length);
  return tern_outbox_attachment_new (display, NULL, data);
}

TernOutboxAttachment *
tern_outbox_attachment_copy (const TernOutboxAttachment *attachment)
{
  return tern_outbox_attachment_new (attachment->filename, attachment->content_type, attachment->data);
}

void
tern_outbox_attachment_free (TernOutboxAttachment *attachment)
{
  if (attachment == NULL)
    return;
  g_free (attachment->filename);
  g_free (attachment->content_type);
  g_clear_pointer (&attachment->data, g_bytes_unref);
  g_free (attachment);
}

/* ---- the record ------------------------------------------------------------------- */

G_DEFINE_BOXED_TYPE (TernOutboxComposition, tern_outbox_composition, tern_outbox_composition_copy,
                     tern_outbox_composition_free)

TernOutboxComposition *
tern_outbox_composition_new (void)
{
  TernOutboxComposition *self = g_new0 (TernOutboxComposition, 1);

  self->body = g_strdup ("");
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_outbox_attachment_free);
  return self;
}

TernOutboxComposition *
tern_outbox_composition_copy (const TernOutboxComposition *self)
{
  TernOutboxComposition *copy = tern_outbox_composition_new ();

  copy->from = g_strdup (self->from);
  copy->to = g_strdup (self->to);
  copy->cc = g_strdup (self->cc);
  copy->bcc = g_strdup (self->bcc);
  copy->subject = g_strdup (self->subject);
  g_free (copy->body);
  copy->body = g_strdup (self->body != NULL ? self->body : "");
  copy->cursor = self->cursor;
  for (guint i = 0; self->attachments != NULL && i < self->attachments->len; i++)
    g_ptr_array_add (copy->attachments, tern_outbox_attachment_copy (g_ptr_array_index (self->attachments, i)));
  copy->in_reply_to = g_strdup (self->in_reply_to);
  copy->references = g_strdupv (self->references);
  copy->origin = self->origin;
  copy->origin_message_id = g_strdup (self->origin_message_id);
  return copy;
}

void
tern_outbox_composition_free (TernOutboxComposition *self)
{
  if (self == NULL)
    return;
  g_free (self->from);
  g_free (self->to);
  g_free (self->cc);
  g_free (self->bcc);
  g_free (self->subject);
  g_free (self->body);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);
  g_free (self->in_reply_to);
  g_strfreev (self->references);
  g_free (self->origin_message_id);
  g_free (self);
}

/* ---- addresses ---------------------------------------------------------------------- */

static gboolean
label_is_valid (const char *label, gsize length)
{
  if (length == 0 || length > 63 || label[0] == '-' || label[length - 1] == '-')
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      guchar c = label[i];

      if (!(g_ascii_isalnum (c) || c == '-' || c >= 0x80))
        return FALSE;
    }
  return TRUE;
}

/**
 * tern_outbox_address_is_valid:
 * @address: an address without name ("local@domain")
 *
 * Whether @address can be a recipient: a local part without spaces, and a domain of
 * at least two labels (letters, digits, hyphens, or international characters) or an
 * address literal ("[192.0.2.1]").
 */
gboolean
tern_outbox_address_is_valid (const char *address)
{
  const char *at, *domain, *label;
  guint n_labels = 0;
  gboolean all_digits = TRUE;

  if (address == NULL || !g_utf8_validate (address, -1, NULL))
    return FALSE;
  at = strrchr (address, '@');
  if (at == NULL || at == address || at[1] == '\0')
    return FALSE;
  for (const char *p = address; p < at; p++)
    if ((guchar) *p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' || *p == ',' || (*p == '@' && address[0] != '"'))
      return FALSE;
  domain = at + 1;
  if (domain[0] == '[')
    return g_str_has_suffix (domain, "]") && strlen (domain) > 2;
  label = domain;
  for (const char *p = domain;; p++)
    if (*p == '.' || *p == '\0')
      {
        if (!label_is_valid (label, p - label))
          return FALSE;
        n_labels++;
        all_digits = TRUE;
        for (const char *q = label; q < p; q++)
          all_digits &= g_ascii_isdigit (*q);
        if (*p == '\0')
          break;
        label = p + 1;
      }
  /* A top-level domain is never all digits (that would be a bare IP address). */
  return n_labels >= 2 && !all_digits;
}

/* Splits @text at the commas that separate addresses (not those in quotes, angle
 * brackets, comments or groups). */
static GPtrArray *
split_addresses (const char *text)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func (g_free);
  const char *start = text;
  gboolean quoted = FALSE;
  int angle = 0, comment = 0, group = 0;

  for (const char *p = text;; p++)
    {
      if (*p == '\0' || (*p == ',' && !quoted && angle == 0 && comment == 0 && group == 0) ||
          (*p == ';' && !quoted && angle == 0 && comment == 0))
        {
          g_autofree char *token = g_strstrip (g_strndup (start, p - start));

          if (*p == ';' && group > 0)
            group--;   /* the end of a group */
          if (*token != '\0')
            g_ptr_array_add (tokens, g_steal_pointer (&token));
          if (*p == '\0')
            break;
          start = p + 1;
          continue;
        }
      if (*p == '\\' && p[1] != '\0')
        p++;
      else if (*p == '"')
        quoted = !quoted;
      else if (quoted)
        continue;
      else if (*p == '<')
        angle++;
      else if (*p == '>' && angle > 0)
        angle--;
      else if (*p == '(')
        comment++;
      else if (*p == ')' && comment > 0)
        comment--;
      else if (*p == ':' && angle == 0 && comment == 0)
        {
          /* "Group: a@b, c@d;": the members, each an address. */
          start = p + 1;
          group++;
        }
    }
  return tokens;
}

static void
collect_mailboxes (InternetAddressList *list, GPtrArray *out)
{
  for (int i = 0; list != NULL && i < internet_address_list_length (list); i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_GROUP (address))
        collect_mailboxes (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (address)), out);
      else if (INTERNET_ADDRESS_IS_MAILBOX (address))
        g_ptr_array_add (out, address);
    }
}

/* The mailboxes of @text, part by part (so that ";" separates too, as some
 * address books write); NULL in @bad_token's place when a part holds none that is
 * valid. */
static GPtrArray *
parse_mailboxes (const char *text, char **bad_token)
{
  g_autoptr(GPtrArray) tokens = split_addresses (text);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);

  if (bad_token != NULL)
    *bad_token = NULL;
  for (guint i = 0; i < tokens->len; i++)
    {
      const char *token = g_ptr_array_index (tokens, i);
      g_autoptr(InternetAddressList) list = internet_address_list_parse (NULL, token);
      g_autoptr(GPtrArray) mailboxes = g_ptr_array_new ();
      gboolean valid;

      collect_mailboxes (list, mailboxes);
      valid = mailboxes->len > 0;
      for (guint j = 0; j < mailboxes->len && valid; j++)
        valid = tern_outbox_address_is_valid (internet_address_mailbox_get_addr (g_ptr_array_index (mailboxes, j)));
      if (!valid)
        {
          if (bad_token != NULL)
            {
              *bad_token = g_strdup (token);
              return NULL;
            }
          continue;
        }
      for (guint j = 0; j < mailboxes->len; j++)
        g_ptr_array_add (all, g_object_ref (g_ptr_array_index (mailboxes, j)));
    }
  return g_steal_pointer (&all);
}

/**
 * tern_outbox_check_addresses:
 * @text: (nullable): addresses as written: "Name <a@b>, c@d, ..."
 * @bad: (out) (optional) (transfer full): the first that is not an address, as written
 * @n_addresses: (out) (optional): how many addresses @text holds
 *
 * Returns: whether every comma-separated part of @text is an address
 */
gboolean
tern_outbox_check_addresses (const char *text, char **bad, guint *n_addresses)
{
  g_autoptr(GPtrArray) mailboxes = NULL;
  g_autofree char *bad_token = NULL;

  if (bad != NULL)
    *bad = NULL;
  if (n_addresses != NULL)
    *n_addresses = 0;
  if (text == NULL)
    return TRUE;
  _tern_outbox_ensure_gmime ();
  mailboxes = parse_mailboxes (text, &bad_token);
  if (mailboxes == NULL)
    {
      if (bad != NULL)
        *bad = g_steal_pointer (&bad_token);
      return FALSE;
    }
  if (n_addresses != NULL)
    *n_addresses = mailboxes->len;
  return TRUE;
}

/**
 * tern_outbox_dup_addresses:
 * @text: (nullable): addresses as written
 *
 * Returns: (transfer full) (array zero-terminated=1): the bare addresses in @text
 */
char **
tern_outbox_dup_addresses (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) mailboxes = NULL;

  if (text != NULL && *text != '\0')
    {
      _tern_outbox_ensure_gmime ();
      mailboxes = parse_mailboxes (text, NULL);
      for (guint i = 0; i < mailboxes->len; i++)
        g_strv_builder_add (builder, internet_address_mailbox_get_addr (g_ptr_array_index (mailboxes, i)));
    }
  return g_strv_builder_end (builder);
}

/**
 * tern_outbox_composition_has_recipients:
 *
 * Returns: whether To, Cc or Bcc holds an address
 */
gboolean
tern_outbox_composition_has_recipients (const TernOutboxComposition *self)
{
  const char *fields[] = { self->to, self->cc, self->bcc };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_auto(GStrv) addresses = tern_outbox_dup_addresses (fields[i]);

      if (addresses[0] != NULL)
        return TRUE;
    }
  return FALSE;
}

/* ---- the words that mention an attachment ---------------------------------------- */

/* Translators: the words that mention an attachment in a message ("see the attached
 * file"), separated by ";": when a message holds one of them but no attachment, Tern
 * asks before sending. A word ending in "*" also stands for the longer words it begins
 * ("attach*": attached, attachment...); a word may be several ("pièce jointe"). Write
 * them in lower case. They are checked together with the English ones and with every
 * other translation's, whatever the language of the desktop. */
static const char english_words[] = NC_("attachment words", "attach*;enclos*");

/**
 * tern_outbox_get_attachment_words:
 *
 * Returns: (transfer none) (array zero-terminated=1): the words that mention an
 *   attachment: English and every shipped translation's
 */
const char * const *
tern_outbox_get_attachment_words (void)
{
  static GStrv words = NULL;

  if (g_once_init_enter (&words))
    {
      g_autoptr(GPtrArray) all = g_ptr_array_new ();
      g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      GStrv result;

      for (guint i = 0; i == 0 || tern_outbox_attachment_words_translated[i - 1] != NULL; i++)
        {
          const char *list = i == 0 ? english_words : tern_outbox_attachment_words_translated[i - 1];
          g_auto(GStrv) split = g_strsplit (list, ";", -1);

          for (guint j = 0; split[j] != NULL; j++)
            {
              g_autofree char *stripped = g_strstrip (g_strdup (split[j]));
              char *folded;

              if (*stripped == '\0')
                continue;
              folded = g_utf8_casefold (stripped, -1);
              if (g_hash_table_add (seen, folded))
                g_ptr_array_add (all, folded);
            }
        }
      result = g_new0 (char *, all->len + 1);
      for (guint i = 0; i < all->len; i++)
        result[i] = g_strdup (g_ptr_array_index (all, i));
      g_once_init_leave (&words, result);
    }
  return (const char * const *) words;
}

/* The words of a line, case-folded. */
static GPtrArray *
line_words (const char *line)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *folded = g_utf8_casefold (line, -1);
  g_autofree char *normal = g_utf8_normalize (folded, -1, G_NORMALIZE_DEFAULT_COMPOSE);
  const char *start = NULL;

  for (const char *p = normal != NULL ? normal : folded;; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gboolean in_word = c != 0 && (g_unichar_isalnum (c) || g_unichar_ismark (c));

      if (in_word && start == NULL)
        start = p;
      else if (!in_word && start != NULL)
        {
          g_ptr_array_add (words, g_strndup (start, p - start));
          start = NULL;
        }
      if (c == 0)
        break;
    }
  return words;
}

static gboolean
word_matches (const char *word, const char *pattern)
{
  gsize length = strlen (pattern);

  if (length > 1 && pattern[length - 1] == '*')
    return strncmp (word, pattern, length - 1) == 0;
  return g_str_equal (word, pattern);
}

/**
 * tern_outbox_text_mentions_attachment:
 * @text: what the user wrote
 * @words: (array zero-terminated=1) (nullable): the words to look for, case-folded
 *   (tern_outbox_get_attachment_words() when %NULL)
 *
 * Whether the text mentions an attachment: one of @words in a line the user wrote
 * (not a quoted line, and not the signature).
 */
gboolean
tern_outbox_text_mentions_attachment (const char *text, const char * const *words)
{
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) patterns = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  if (text == NULL)
    return FALSE;
  if (words == NULL)
    words = tern_outbox_get_attachment_words ();
  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) split = line_words (words[i]);
      GStrv pattern = g_new0 (char *, split->len + 1);

      for (guint j = 0; j < split->len; j++)
        pattern[j] = g_strdup (g_ptr_array_index (split, j));
      /* "attach*": the star is not a word character; keep it on the last word. */
      if (split->len > 0 && g_str_has_suffix (words[i], "*"))
        {
          char *last = pattern[split->len - 1];
          pattern[split->len - 1] = g_strconcat (last, "*", NULL);
          g_free (last);
        }
      g_ptr_array_add (patterns, pattern);
    }

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) found = NULL;
      const char *line = lines[i];

      if (g_str_equal (line, "-- ") || g_str_equal (line, "-- \r"))
        break;
      if (line[0] == '>')
        continue;
      found = line_words (line);
      for (guint w = 0; w < found->len; w++)
        for (guint k = 0; k < patterns->len; k++)
          {
            char **pattern = g_ptr_array_index (patterns, k);
            guint n = g_strv_length (pattern);
            gboolean match = n > 0 && w + n <= found->len;

            for (guint j = 0; match && j < n; j++)
              match = j + 1 < n ? g_str_equal (g_ptr_array_index (found, w + j), pattern[j])
                                : word_matches (g_ptr_array_index (found, w + j), pattern[j]);
            if (match)
              return TRUE;
          }
    }
  return FALSE;
}

/* ---- building --------------------------------------------------------------------- */

static gboolean
add_addresses (GMimeMessage *message, GMimeAddressType type, const char *text, GError **error)
{
  g_autofree char *bad = NULL;
  g_autoptr(GPtrArray) mailboxes = NULL;
  InternetAddressList *list = g_mime_message_get_addresses (message, type);

  if (text == NULL)
    return TRUE;
  if ((mailboxes = parse_mailboxes (text, &bad)) == NULL)
    {
      g_set_error (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_INVALID_ADDRESS, _("“%s” is not an e-mail address"),
                   bad);
      return FALSE;
    }
  for (guint i = 0; i < mailboxes->len; i++)
    internet_address_list_add (list, g_ptr_array_index (mailboxes, i));
  return TRUE;
}

static GMimeObject *
text_part_new (const char *body)
{
  g_autofree char *flowed = tern_outbox_flowed_encode (body, 0);
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new_with_buffer (flowed, strlen (flowed));
  g_autoptr(GMimeDataWrapper) wrapper = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
  GMimeTextPart *text = g_mime_text_part_new_with_subtype ("plain");

  g_mime_part_set_content (GMIME_PART (text), wrapper);
  g_mime_text_part_set_charset (text, "utf-8");
  g_mime_object_set_content_type_parameter (GMIME_OBJECT (text), "format", "flowed");
  g_mime_part_set_content_encoding (GMIME_PART (text),
                                    g_mime_part_get_best_content_encoding (GMIME_PART (text),
                                                                           GMIME_ENCODING_CONSTRAINT_7BIT));
  return GMIME_OBJECT (text);
}

static GMimeObject *
attachment_part_new (const TernOutboxAttachment *attachment, GError **error)
{
  g_auto(GStrv) type = g_strsplit (attachment->content_type, "/", 2);
  gsize length = 0;
  const char *data = g_bytes_get_data (attachment->data, &length);

  if (g_ascii_strcasecmp (attachment->content_type, "message/rfc822") == 0)
    {
      g_autoptr(GMimeMessage) inner = _tern_outbox_parse_message (attachment->data);

      if (inner != NULL)
        {
          GMimeMessagePart *part = g_mime_message_part_new_with_message ("rfc822", inner);

          g_mime_object_set_content_type_parameter (GMIME_OBJECT (part), "name", attachment->filename);
          g_mime_object_set_disposition (GMIME_OBJECT (part), GMIME_DISPOSITION_ATTACHMENT);
          g_mime_object_set_content_disposition_parameter (GMIME_OBJECT (part), "filename", attachment->filename);
          return GMIME_OBJECT (part);
        }
      /* Not a message GMime reads: attached as it is, as bytes. */
      g_strfreev (type);
      type = g_strsplit ("application/octet-stream", "/", 2);
    }
  {
    GMimePart *part = g_mime_part_new_with_type (type[0], type[1] != NULL ? type[1] : "octet-stream");
    g_autoptr(GMimeStream) stream = g_mime_stream_mem_new_with_buffer (data != NULL ? data : "", length);
    g_autoptr(GMimeDataWrapper) wrapper = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);

    g_mime_part_set_content (part, wrapper);
    g_mime_object_set_disposition (GMIME_OBJECT (part), GMIME_DISPOSITION_ATTACHMENT);
    g_mime_part_set_filename (part, attachment->filename);
    /* Base64 always: the recipient gets the very bytes (a text file's line ends
     * would otherwise become CRLF on the way). */
    g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_BASE64);
    return GMIME_OBJECT (part);
  }
}

static char *
format_references (char **references)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint n = references != NULL ? g_strv_length (references) : 0;

  /* RFC 5322 3.6.4: the first and the latest are the ones that matter; a very long
   * list keeps the first and the last 19. */
  for (guint i = 0; i < n; i++)
    {
      if (n > 20 && i > 0 && i < n - 19)
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append_printf (out, "<%s>", references[i]);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * tern_outbox_composition_build:
 *
 * Builds the message. Fails with %TERN_OUTBOX_ERROR_INVALID_ADDRESS (naming the
 * address as written) or %TERN_OUTBOX_ERROR_INVALID_TEXT. A message without
 * recipients is built (a draft may have none); the outbox refuses it.
 *
 * Returns: (transfer full): the message, with CRLF line ends
 */
GBytes *
tern_outbox_composition_build (const TernOutboxComposition *self, TernOutboxBuildFlags flags, GError **error)
{
  g_autoptr(GMimeMessage) message = NULL;
  g_autoptr(GMimeObject) text = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(InternetAddressList) from = NULL;
  g_autofree char *message_id = NULL;
  g_autoptr(GPtrArray) from_mailboxes = g_ptr_array_new ();
  const char *from_address = NULL;
  const char *body = self->body != NULL ? self->body : "";

  g_return_val_if_fail (self != NULL, NULL);

  _tern_outbox_ensure_gmime ();
  if (!g_utf8_validate (body, -1, NULL) || (self->subject != NULL && !g_utf8_validate (self->subject, -1, NULL)))
    {
      g_set_error_literal (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_INVALID_TEXT,
                           _("The text of the message is not UTF-8"));
      return NULL;
    }

  message = g_mime_message_new (TRUE);
  if (self->from != NULL)
    {
      from = internet_address_list_parse (NULL, self->from);
      collect_mailboxes (from, from_mailboxes);
    }
  if (from_mailboxes->len == 0 ||
      !tern_outbox_address_is_valid ((from_address = internet_address_mailbox_get_addr (
                                        g_ptr_array_index (from_mailboxes, 0)))))
    {
      g_set_error (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_INVALID_ADDRESS, _("“%s” is not an e-mail address"),
                   self->from != NULL ? self->from : "");
      return NULL;
    }
  internet_address_list_add (g_mime_message_get_from (message), g_ptr_array_index (from_mailboxes, 0));
  if (!add_addresses (message, GMIME_ADDRESS_TYPE_TO, self->to, error) ||
      !add_addresses (message, GMIME_ADDRESS_TYPE_CC, self->cc, error) ||
      !add_addresses (message, GMIME_ADDRESS_TYPE_BCC, self->bcc, error))
    return NULL;
  g_mime_message_set_subject (message, self->subject != NULL ? self->subject : "", "utf-8");
  g_mime_message_set_date (message, now);
  message_id = g_mime_utils_generate_message_id (_tern_outbox_domain_of (from_address));
  g_mime_message_set_message_id (message, message_id);
  if (self->in_reply_to != NULL && *self->in_reply_to != '\0')
    {
      g_autofree char *value = g_strdup_printf ("<%s>", self->in_reply_to);
      g_mime_object_set_header (GMIME_OBJECT (message), "In-Reply-To", value, NULL);
    }
  if (self->references != NULL && self->references[0] != NULL)
    {
      g_autofree char *value = format_references (self->references);
      g_mime_object_set_header (GMIME_OBJECT (message), "References", value, NULL);
    }
  if ((flags & TERN_OUTBOX_BUILD_DRAFT) && self->origin != TERN_OUTBOX_ORIGIN_NONE &&
      self->origin_message_id != NULL)
    {
      g_autofree char *value = g_strdup_printf ("%s <%s>", self->origin == TERN_OUTBOX_ORIGIN_REPLY ? "reply"
                                                                                                 : "forward",
                                                self->origin_message_id);
      g_mime_object_set_header (GMIME_OBJECT (message), ORIGIN_HEADER, value, NULL);
    }
  g_mime_object_set_header (GMIME_OBJECT (message), "User-Agent", "Tern/" PACKAGE_VERSION, NULL);

  text = text_part_new (body);
  if (self->attachments == NULL || self->attachments->len == 0)
    g_mime_message_set_mime_part (message, text);
  else
    {
      g_autoptr(GMimeMultipart) mixed = g_mime_multipart_new_with_subtype ("mixed");

      g_mime_multipart_add (mixed, text);
      for (guint i = 0; i < self->attachments->len; i++)
        {
          g_autoptr(GMimeObject) part = attachment_part_new (g_ptr_array_index (self->attachments, i), error);

          if (part == NULL)
            return NULL;
          g_mime_multipart_add (mixed, part);
        }
      g_mime_message_set_mime_part (message, GMIME_OBJECT (mixed));
    }
  return _tern_outbox_write_object (GMIME_OBJECT (message));
}

/* ---- reading a draft back ----------------------------------------------------------- */

static char *
list_to_text (InternetAddressList *list)
{
  if (list == NULL || internet_address_list_length (list) == 0)
    return NULL;
  return internet_address_list_to_string (list, NULL, FALSE);
}

static char *
attachment_name (GMimeObject *object, const char *fallback)
{
  const char *name = g_mime_object_get_content_disposition_parameter (object, "filename");

  if (name == NULL)
    name = g_mime_object_get_content_type_parameter (object, "name");
  return g_strdup (name != NULL && *name != '\0' ? name : fallback);
}

static void
read_parts (TernOutboxComposition *self, GMimeObject *object, gboolean *have_body)
{
  if (GMIME_IS_MULTIPART (object))
    {
      GMimeMultipart *multipart = GMIME_MULTIPART (object);
      GMimeContentType *type = g_mime_object_get_content_type (object);
      gboolean alternative = g_mime_content_type_is_type (type, "multipart", "alternative");

      for (int i = 0; i < g_mime_multipart_get_count (multipart); i++)
        {
          GMimeObject *child = g_mime_multipart_get_part (multipart, i);

          /* Of the alternatives, only the plain text is the draft's. */
          if (alternative && !g_mime_content_type_is_type (g_mime_object_get_content_type (child), "text", "plain"))
            continue;
          read_parts (self, child, have_body);
        }
    }
  else if (GMIME_IS_MESSAGE_PART (object))
    {
      GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (object));
      g_autoptr(GMimeStream) stream = g_mime_stream_mem_new ();
      GByteArray *array;
      g_autoptr(GBytes) data = NULL;
      g_autofree char *name = attachment_name (object, "message.eml");

      if (inner != NULL)
        g_mime_object_write_to_stream (GMIME_OBJECT (inner), NULL, stream);
      array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
      data = g_bytes_new (array->data, array->len);
      g_ptr_array_add (self->attachments, tern_outbox_attachment_new (name, "message/rfc822", data));
    }
  else if (GMIME_IS_PART (object))
    {
      GMimeContentType *type = g_mime_object_get_content_type (object);
      const char *disposition = g_mime_object_get_disposition (object);
      gboolean attachment = disposition != NULL && g_ascii_strcasecmp (disposition, "attachment") == 0;

      if (!*have_body && !attachment && g_mime_content_type_is_type (type, "text", "plain"))
        {
          g_free (self->body);
          self->body = _tern_outbox_part_text (GMIME_PART (object));
          *have_body = TRUE;
        }
      else
        {
          g_autoptr(GBytes) data = _tern_outbox_part_content (GMIME_PART (object));
          g_autofree char *mime_type = g_mime_content_type_get_mime_type (type);
          g_autofree char *name = attachment_name (object, "attachment");

          g_ptr_array_add (self->attachments, tern_outbox_attachment_new (name, mime_type, data));
        }
    }
}

/**
 * tern_outbox_composition_new_from_message:
 * @raw: a message: a draft, or one taken back from the outbox
 *
 * Reads a message back into what the composer holds: the addresses, the subject, the
 * first plain text part (format=flowed undone), the other parts as attachments, what
 * it answers. Fails with %TERN_OUTBOX_ERROR_NOT_A_MESSAGE.
 *
 * Returns: (transfer full): the composition
 */
TernOutboxComposition *
tern_outbox_composition_new_from_message (GBytes *raw, GError **error)
{
  g_autoptr(GMimeMessage) message = _tern_outbox_parse_message (raw);
  g_autoptr(TernOutboxComposition) self = NULL;
  const char *value;
  GMimeObject *body;
  gboolean have_body = FALSE;

  if (message == NULL)
    {
      g_set_error_literal (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_NOT_A_MESSAGE,
                           _("This is not an e-mail message"));
      return NULL;
    }
  self = tern_outbox_composition_new ();
  self->from = list_to_text (g_mime_message_get_from (message));
  self->to = list_to_text (g_mime_message_get_to (message));
  self->cc = list_to_text (g_mime_message_get_cc (message));
  self->bcc = list_to_text (g_mime_message_get_bcc (message));
  self->subject = g_strdup (g_mime_message_get_subject (message));
  self->in_reply_to = _tern_outbox_strip_message_id (g_mime_object_get_header (GMIME_OBJECT (message),
                                                                               "In-Reply-To"));
  value = g_mime_object_get_header (GMIME_OBJECT (message), "References");
  if (value != NULL)
    {
      g_autoptr(GMimeReferences) refs = g_mime_references_parse (NULL, value);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      for (int i = 0; refs != NULL && i < g_mime_references_length (refs); i++)
        g_strv_builder_add (builder, g_mime_references_get_message_id (refs, i));
      self->references = g_strv_builder_end (builder);
    }
  value = g_mime_object_get_header (GMIME_OBJECT (message), ORIGIN_HEADER);
  if (value != NULL)
    {
      while (g_ascii_isspace (*value))
        value++;
      if (g_ascii_strncasecmp (value, "reply", 5) == 0)
        self->origin = TERN_OUTBOX_ORIGIN_REPLY;
      else if (g_ascii_strncasecmp (value, "forward", 7) == 0)
        self->origin = TERN_OUTBOX_ORIGIN_FORWARD;
      if (self->origin != TERN_OUTBOX_ORIGIN_NONE && strchr (value, '<') != NULL)
        self->origin_message_id = _tern_outbox_strip_message_id (strchr (value, '<'));
      if (self->origin_message_id == NULL)
        self->origin = TERN_OUTBOX_ORIGIN_NONE;
    }
  body = g_mime_message_get_mime_part (message);
  if (body != NULL)
    read_parts (self, body, &have_body);
  /* A draft's text ends with the line end the flowed encoding gave it. */
  if (have_body && g_str_has_suffix (self->body, "\n"))
    self->body[strlen (self->body) - 1] = '\0';
  return g_steal_pointer (&self);
}

/* ---- mailto: ------------------------------------------------------------------------ */

static void
append_address (char **field, const char *addresses)
{
  g_autofree char *stripped = g_strstrip (g_strdup (addresses));
  char *joined;

  if (*stripped == '\0')
    return;
  joined = *field == NULL ? g_strdup (stripped) : g_strconcat (*field, ", ", stripped, NULL);
  g_free (*field);
  *field = joined;
}

/* Percent-decoding; "+" stays "+" (RFC 6068 is not a form). NULL when invalid. */
static char *
unescape (const char *text, gsize length)
{
  g_autofree char *copy = g_strndup (text, length);
  char *unescaped = g_uri_unescape_string (copy, NULL);

  if (unescaped == NULL || !g_utf8_validate (unescaped, -1, NULL))
    {
      g_free (unescaped);
      return NULL;
    }
  return unescaped;
}

static char *
normalize_newlines (const char *text)
{
  g_autoptr(GString) out = g_string_sized_new (strlen (text));

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\r')
        {
          g_string_append_c (out, '\n');
          if (p[1] == '\n')
            p++;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * tern_outbox_composition_new_from_mailto:
 * @uri: a mailto: URI (RFC 6068)
 *
 * The addresses of the path, and the to, cc, bcc, subject, body and in-reply-to
 * fields; other fields are left out (RFC 6068 section 3 leaves them to the client,
 * and none of them is safe to take from a link). Fails with
 * %TERN_OUTBOX_ERROR_INVALID_ADDRESS when @uri is not a mailto: URI or not UTF-8
 * once decoded.
 *
 * Returns: (transfer full): the composition
 */
TernOutboxComposition *
tern_outbox_composition_new_from_mailto (const char *uri, GError **error)
{
  g_autoptr(TernOutboxComposition) self = NULL;
  const char *path, *query;
  g_autofree char *to = NULL;

  g_return_val_if_fail (uri != NULL, NULL);

  if (g_ascii_strncasecmp (uri, "mailto:", 7) != 0)
    {
      g_set_error (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_INVALID_ADDRESS, _("“%s” is not a mailto: link"), uri);
      return NULL;
    }
  self = tern_outbox_composition_new ();
  path = uri + 7;
  query = strchr (path, '?');
  to = unescape (path, query != NULL ? (gsize) (query - path) : strlen (path));
  if (to == NULL)
    goto invalid;
  append_address (&self->to, to);
  if (query != NULL)
    {
      g_auto(GStrv) fields = g_strsplit (query + 1, "&", -1);

      for (guint i = 0; fields[i] != NULL; i++)
        {
          const char *eq = strchr (fields[i], '=');
          g_autofree char *name = NULL;
          g_autofree char *value = NULL;

          if (eq == NULL)
            continue;
          name = unescape (fields[i], eq - fields[i]);
          value = unescape (eq + 1, strlen (eq + 1));
          if (name == NULL || value == NULL)
            goto invalid;
          if (g_ascii_strcasecmp (name, "to") == 0)
            append_address (&self->to, value);
          else if (g_ascii_strcasecmp (name, "cc") == 0)
            append_address (&self->cc, value);
          else if (g_ascii_strcasecmp (name, "bcc") == 0)
            append_address (&self->bcc, value);
          else if (g_ascii_strcasecmp (name, "subject") == 0 && self->subject == NULL)
            {
              g_autofree char *subject = normalize_newlines (value);

              /* A subject is one line. */
              g_strdelimit (subject, "\n", ' ');
              self->subject = g_steal_pointer (&subject);
            }
          else if (g_ascii_strcasecmp (name, "body") == 0 && *self->body == '\0')
            {
              g_free (self->body);
              self->body = normalize_newlines (value);
            }
          else if (g_ascii_strcasecmp (name, "in-reply-to") == 0 && self->in_reply_to == NULL)
            {
              self->in_reply_to = _tern_outbox_strip_message_id (value);
              if (self->in_reply_to != NULL)
                {
                  self->references = g_new0 (char *, 2);
                  self->references[0] = g_strdup (self->in_reply_to);
                }
            }
        }
    }
  return g_steal_pointer (&self);

invalid:
  g_set_error (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_INVALID_ADDRESS, _("“%s” is not a valid mailto: link"),
               uri);
  return NULL;
}

/* ---- the signature --------------------------------------------------------------------- */

/**
 * tern_outbox_composition_add_signature:
 * @signature: (nullable): the identity's signature, without the "-- " line
 * @placement: where, when the body holds a quote (a reply)
 *
 * Puts the signature into the body after its separator ("-- "), and sets @cursor
 * where the writing starts. A new message: an empty line to write in (after the text
 * it was given, from a mailto: link), then the signature; a forward: the same, then
 * the forwarded message. A reply with the signature above the quote: the writing and
 * the signature, then the quote (its attribution and "> " lines); below the quote: the
 * quote, the writing, then the signature.
 */
void
tern_outbox_composition_add_signature (TernOutboxComposition *self, const char *signature,
                                       TernOutboxSignaturePlacement placement)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *sig = NULL;
  const char *quote = self->body != NULL ? self->body : "";
  gboolean reply = self->origin == TERN_OUTBOX_ORIGIN_REPLY && *quote != '\0';

  if (signature != NULL)
    {
      sig = g_strdup (signature);
      g_strchomp (sig);
      if (g_str_has_prefix (sig, "-- \n"))
        memmove (sig, sig + 4, strlen (sig + 4) + 1);
    }
  if (sig != NULL && *sig == '\0')
    g_clear_pointer (&sig, g_free);

  if (reply && placement == TERN_OUTBOX_SIGNATURE_BELOW_QUOTE)
    {
      g_string_append (body, quote);
      if (!g_str_has_suffix (body->str, "\n"))
        g_string_append_c (body, '\n');
      g_string_append_c (body, '\n');
      self->cursor = g_utf8_strlen (body->str, -1);
      g_string_append_c (body, '\n');
      if (sig != NULL)
        g_string_append_printf (body, "\n-- \n%s\n", sig);
    }
  else if (self->origin == TERN_OUTBOX_ORIGIN_NONE && *quote != '\0')
    {
      /* A new message with a text given (a mailto: link's): the writing goes on after it. */
      g_string_append (body, quote);
      if (!g_str_has_suffix (body->str, "\n"))
        g_string_append_c (body, '\n');
      self->cursor = g_utf8_strlen (body->str, -1);
      g_string_append_c (body, '\n');
      if (sig != NULL)
        g_string_append_printf (body, "\n-- \n%s\n", sig);
    }
  else
    {
      self->cursor = 0;
      g_string_append_c (body, '\n');
      if (sig != NULL)
        g_string_append_printf (body, "\n-- \n%s\n", sig);
      if (*quote != '\0')
        {
          g_string_append_c (body, '\n');
          g_string_append (body, quote);
        }
    }
  g_free (self->body);
  self->body = g_string_free (g_steal_pointer (&body), FALSE);
}
