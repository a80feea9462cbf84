/* tern-outbox-reply.c: replies and forwards of a message
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A reply goes to the Reply-To of the original, or else to its From (to its To when
 * the original is one's own); Reply All adds the other recipients, without one's own
 * addresses and without doubles. The subject gets one "Re: " (never "Re: Re: ", nor
 * "Re: AW: "); In-Reply-To and References name the original. The body is a localised
 * attribution line ("On DATE, NAME wrote:") and the original's text quoted with "> "
 * (quoted lines get one more ">"), its signature left out: the plain text part, or
 * the HTML one reduced to text, in whatever charset it came, format=flowed undone.
 * The identity the original was sent to becomes the sender (@from), when it is one's
 * own.
 *
 * A forward inline has the original's header fields and text in the body and keeps
 * its attachments; a forward as attachment carries the whole message as it came.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-mime-text.h"
#include "tern-outbox-error.h"
#include "tern-outbox-mime-private.h"
#include "tern-outbox-reply.h"

/* ---- subjects --------------------------------------------------------------------- */

static const char * const reply_prefixes[] = { "re", "aw", "sv", "vs", "antw", "ref", "rif", "res", "odp", "r" };
static const char * const forward_prefixes[] = { "fwd", "fw", "wg", "tr", "rv", "enc", "doorst", "vl" };

/* Skips one prefix of @prefixes ("Re:", "RE[2]:", "Re^3:", "Re：") at @s. */
static gboolean
skip_prefix (const char **s, const char * const *prefixes, guint n_prefixes)
{
  const char *p = *s;

  while (*p == ' ' || *p == '\t')
    p++;
  for (guint i = 0; i < n_prefixes; i++)
    {
      gsize n = strlen (prefixes[i]);
      const char *q = p + n;

      if (g_ascii_strncasecmp (p, prefixes[i], n) != 0)
        continue;
      if (*q == '[' || *q == '^' || *q == '(')
        {
          q++;
          while (g_ascii_isdigit (*q))
            q++;
          if (*q == ']' || *q == ')')
            q++;
        }
      if (*q == ':' || (q[0] == '\xEF' && q[1] == '\xBC' && q[2] == '\x9A'))
        {
          q += *q == ':' ? 1 : 3;
          while (*q == ' ' || *q == '\t')
            q++;
          *s = q;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * tern_outbox_reply_subject:
 * @subject: (nullable): the original's decoded subject
 * @forward: a forward's subject ("Fwd: ") rather than a reply's ("Re: ")
 *
 * The subject with one "Re: " or "Fwd: ": the prefixes of the same kind it has
 * already (in any of the usual languages) are taken off first, also behind a
 * mailing-list tag ("[dev] Re: x" gives "Re: [dev] x").
 *
 * Returns: (transfer full): the new subject
 */
char *
tern_outbox_reply_subject (const char *subject, gboolean forward)
{
  const char * const *prefixes = forward ? forward_prefixes : reply_prefixes;
  guint n = forward ? G_N_ELEMENTS (forward_prefixes) : G_N_ELEMENTS (reply_prefixes);
  const char *s = subject != NULL ? subject : "";
  g_autofree char *tag = NULL;
  g_autofree char *rest = NULL;

  while (*s == ' ' || *s == '\t')
    s++;
  for (int guard = 0; guard < 32 && skip_prefix (&s, prefixes, n); guard++)
    ;
  if (*s == '[')
    {
      const char *close = strchr (s, ']');

      if (close != NULL && close - s < 40)
        {
          const char *after = close + 1;

          if (skip_prefix (&after, prefixes, n))
            {
              for (int guard = 0; guard < 32 && skip_prefix (&after, prefixes, n); guard++)
                ;
              tag = g_strndup (s, close + 1 - s);
              rest = g_strdup (after);
              return g_strchomp (g_strdup_printf (forward ? "Fwd: %s %s" : "Re: %s %s", tag, rest));
            }
        }
    }
  /* Chomped: a header keeps no trailing space ("Re:" for an empty subject). */
  return g_strchomp (g_strdup_printf (forward ? "Fwd: %s" : "Re: %s", s));
}

/* ---- the text of a message ----------------------------------------------------------- */

typedef struct
{
  GMimeObject *body;        /* the part chosen as the text */
  gboolean     html;
  GPtrArray   *attachments; /* GMimeObject, borrowed: the parts a forward keeps */
} Walk;

static gboolean
is_attachment (GMimeObject *object)
{
  const char *disposition = g_mime_object_get_disposition (object);

  return disposition != NULL && g_ascii_strcasecmp (disposition, "attachment") == 0;
}

static gboolean
is_text (GMimeObject *object, const char *subtype)
{
  return GMIME_IS_PART (object) && !is_attachment (object) &&
         g_mime_content_type_is_type (g_mime_object_get_content_type (object), "text", subtype);
}

/* The text of an alternative: the plain one, else the HTML one (also inside a
 * multipart/related). */
static GMimeObject *
pick_alternative (GMimeMultipart *alternative, gboolean *html)
{
  GMimeObject *found_html = NULL;

  for (int i = 0; i < g_mime_multipart_get_count (alternative); i++)
    {
      GMimeObject *child = g_mime_multipart_get_part (alternative, i);

      if (is_text (child, "plain"))
        {
          *html = FALSE;
          return child;
        }
      if (found_html == NULL && is_text (child, "html"))
        found_html = child;
      if (found_html == NULL && GMIME_IS_MULTIPART (child))
        for (int j = 0; j < g_mime_multipart_get_count (GMIME_MULTIPART (child)) && found_html == NULL; j++)
          if (is_text (g_mime_multipart_get_part (GMIME_MULTIPART (child), j), "html"))
            found_html = g_mime_multipart_get_part (GMIME_MULTIPART (child), j);
    }
  *html = found_html != NULL;
  return found_html;
}

static void
walk (Walk *w, GMimeObject *object, int depth)
{
  if (depth > 32)
    return;
  if (GMIME_IS_MULTIPART (object))
    {
      GMimeMultipart *multipart = GMIME_MULTIPART (object);
      GMimeContentType *type = g_mime_object_get_content_type (object);

      if (g_mime_content_type_is_type (type, "multipart", "alternative"))
        {
          if (w->body == NULL)
            w->body = pick_alternative (multipart, &w->html);
          return;   /* the alternatives of the text are not attachments */
        }
      if (g_mime_content_type_is_type (type, "multipart", "encrypted"))
        return;
      for (int i = 0; i < g_mime_multipart_get_count (multipart); i++)
        {
          GMimeObject *child = g_mime_multipart_get_part (multipart, i);

          /* A signature is not part of what the message says. */
          if (g_mime_content_type_is_type (type, "multipart", "signed") && i > 0)
            break;
          walk (w, child, depth + 1);
        }
      return;
    }
  if (GMIME_IS_MESSAGE_PART (object))
    {
      g_ptr_array_add (w->attachments, object);
      return;
    }
  if (!GMIME_IS_PART (object))
    return;
  if (w->body == NULL && (is_text (object, "plain") || is_text (object, "html")))
    {
      w->body = object;
      w->html = is_text (object, "html");
      return;
    }
  /* An inline text after the body (a list's footer) is not an attachment; a file is. */
  if (is_attachment (object) || g_mime_part_get_filename (GMIME_PART (object)) != NULL ||
      !g_mime_content_type_is_type (g_mime_object_get_content_type (object), "text", "*"))
    g_ptr_array_add (w->attachments, object);
}

static char *
body_text (Walk *w)
{
  g_autofree char *text = NULL;

  if (w->body == NULL)
    return g_strdup ("");
  text = _tern_outbox_part_text (GMIME_PART (w->body));
  if (w->html)
    {
      g_autofree char *plain = tern_mime_text_html_to_text (text, strlen (text));
      return g_steal_pointer (&plain);
    }
  return g_steal_pointer (&text);
}

/**
 * tern_outbox_dup_message_text:
 * @message: a message
 *
 * Returns: (transfer full): its text as UTF-8 with "\n" line ends: the plain text
 *   part, or the HTML one reduced to text; empty when it has none
 */
char *
tern_outbox_dup_message_text (GBytes *message)
{
  g_autoptr(GMimeMessage) parsed = _tern_outbox_parse_message (message);
  g_autoptr(GPtrArray) attachments = g_ptr_array_new ();
  Walk w = { NULL, FALSE, attachments };

  if (parsed == NULL || g_mime_message_get_mime_part (parsed) == NULL)
    return g_strdup ("");
  walk (&w, g_mime_message_get_mime_part (parsed), 0);
  return body_text (&w);
}

/* ---- quoting --------------------------------------------------------------------------- */

/**
 * tern_outbox_quote_text:
 * @text: the original's text, "\n" line ends
 *
 * Returns: (transfer full): @text quoted: "> " before each line (">" before a line
 *   quoted already, and alone on an empty one), without the original's signature and
 *   its trailing empty lines, with a final line end
 */
char *
tern_outbox_quote_text (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GString) out = g_string_sized_new (strlen (text) + strlen (text) / 16 + 16);
  guint n = g_strv_length (lines);

  for (guint i = 0; i < n; i++)
    g_strchomp (lines[i]);
  /* The signature: from the last "-- " line to the end (the chomp left "--"). */
  for (guint i = n; i > 0; i--)
    if (g_str_equal (lines[i - 1], "--") && n - i < 20)
      {
        n = i - 1;
        break;
      }
  while (n > 0 && lines[n - 1][0] == '\0')
    n--;
  /* Leading empty lines say nothing either. */
  {
    guint first = 0;

    while (first < n && lines[first][0] == '\0')
      first++;
    for (guint i = first; i < n; i++)
      {
        const char *line = lines[i];

        if (*line == '\0')
          g_string_append (out, ">\n");
        else if (*line == '>')
          g_string_append_printf (out, ">%s\n", line);
        else
          g_string_append_printf (out, "> %s\n", line);
      }
  }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ---- addresses ------------------------------------------------------------------------------ */

static gboolean
is_own (GHashTable *own, const char *address)
{
  g_autofree char *lower = NULL;

  if (address == NULL)
    return FALSE;
  lower = g_utf8_strdown (address, -1);
  return g_hash_table_contains (own, lower);
}

/* Adds the mailboxes of @list to @out, but those in @skip (then added to it). */
static void
add_mailboxes (GPtrArray *out, GHashTable *skip, InternetAddressList *list)
{
  for (int i = 0; list != NULL && i < internet_address_list_length (list); i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_GROUP (address))
        add_mailboxes (out, skip, internet_address_group_get_members (INTERNET_ADDRESS_GROUP (address)));
      else if (INTERNET_ADDRESS_IS_MAILBOX (address))
        {
          const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address));
          char *lower;

          if (addr == NULL || *addr == '\0' || strchr (addr, '@') == NULL)
            continue;
          lower = g_utf8_strdown (addr, -1);
          if (g_hash_table_contains (skip, lower))
            {
              g_free (lower);
              continue;
            }
          g_hash_table_add (skip, lower);
          g_ptr_array_add (out, address);
        }
    }
}

static char *
format_mailboxes (GPtrArray *mailboxes)
{
  g_autoptr(InternetAddressList) list = internet_address_list_new ();

  if (mailboxes->len == 0)
    return NULL;
  for (guint i = 0; i < mailboxes->len; i++)
    internet_address_list_add (list, g_ptr_array_index (mailboxes, i));
  return internet_address_list_to_string (list, NULL, FALSE);
}

/* The first of one's own addresses the original was sent to. */
static char *
find_identity (GMimeMessage *message, GHashTable *own)
{
  static const GMimeAddressType types[] = { GMIME_ADDRESS_TYPE_TO, GMIME_ADDRESS_TYPE_CC, GMIME_ADDRESS_TYPE_BCC,
                                            GMIME_ADDRESS_TYPE_FROM };
  static const char * const headers[] = { "Delivered-To", "X-Original-To", "Envelope-To" };

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      g_autoptr(GPtrArray) mailboxes = g_ptr_array_new ();
      g_autoptr(GHashTable) none = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      add_mailboxes (mailboxes, none, g_mime_message_get_addresses (message, types[t]));
      for (guint i = 0; i < mailboxes->len; i++)
        {
          const char *addr = internet_address_mailbox_get_addr (g_ptr_array_index (mailboxes, i));

          if (is_own (own, addr))
            return g_strdup (addr);
        }
    }
  for (guint h = 0; h < G_N_ELEMENTS (headers); h++)
    {
      const char *value = g_mime_object_get_header (GMIME_OBJECT (message), headers[h]);
      g_autoptr(InternetAddressList) list = value != NULL ? internet_address_list_parse (NULL, value) : NULL;

      for (int i = 0; list != NULL && i < internet_address_list_length (list); i++)
        {
          InternetAddress *address = internet_address_list_get_address (list, i);

          if (INTERNET_ADDRESS_IS_MAILBOX (address) &&
              is_own (own, internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address))))
            return g_strdup (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)));
        }
    }
  return NULL;
}

static void
set_recipients (TernOutboxComposition *self, GMimeMessage *message, GHashTable *own, gboolean all)
{
  g_autoptr(GPtrArray) to = g_ptr_array_new ();
  g_autoptr(GPtrArray) cc = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  InternetAddressList *reply_to = g_mime_message_get_reply_to (message);
  InternetAddressList *from = g_mime_message_get_from (message);
  gboolean from_self = FALSE;

  /* One's own message: the reply goes where it went. */
  for (int i = 0; from != NULL && i < internet_address_list_length (from); i++)
    {
      InternetAddress *address = internet_address_list_get_address (from, i);

      if (INTERNET_ADDRESS_IS_MAILBOX (address) &&
          is_own (own, internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address))))
        from_self = TRUE;
    }

  if (from_self)
    {
      add_mailboxes (to, seen, g_mime_message_get_to (message));
      if (all)
        add_mailboxes (cc, seen, g_mime_message_get_cc (message));
    }
  else
    {
      GHashTableIter iter;
      gpointer key;

      /* One's own addresses are never recipients of a Reply All: they go into "seen"
       * first. A plain reply goes to the sender even when that is an alias of one's. */
      if (all)
        {
          g_hash_table_iter_init (&iter, own);
          while (g_hash_table_iter_next (&iter, &key, NULL))
            g_hash_table_add (seen, g_strdup (key));
        }
      if (reply_to != NULL && internet_address_list_length (reply_to) > 0)
        add_mailboxes (to, seen, reply_to);
      if (to->len == 0)
        add_mailboxes (to, seen, from);
      if (all)
        {
          add_mailboxes (to, seen, g_mime_message_get_to (message));
          add_mailboxes (cc, seen, g_mime_message_get_cc (message));
        }
    }
  self->to = format_mailboxes (to);
  self->cc = format_mailboxes (cc);
}

/* ---- the attribution and the forwarded header ------------------------------------------ */

static char *
format_date (GMimeMessage *message)
{
  GDateTime *date = g_mime_message_get_date (message);
  g_autoptr(GDateTime) local = NULL;

  if (date == NULL)
    return NULL;
  local = g_date_time_to_local (date);
  /* Translators: how a date shows in "On DATE, NAME wrote:" and in a forwarded
   * message's header: g_date_time_format() codes, in your language's order. */
  return g_date_time_format (local != NULL ? local : date, C_("attribution date", "%a, %-d %b %Y at %H:%M"));
}

static char *
sender_name (GMimeMessage *message)
{
  InternetAddressList *from = g_mime_message_get_from (message);
  InternetAddress *first = from != NULL && internet_address_list_length (from) > 0
                             ? internet_address_list_get_address (from, 0) : NULL;
  const char *name;

  if (first == NULL)
    return g_strdup (_("Someone"));
  name = internet_address_get_name (first);
  if (name != NULL && *name != '\0')
    return g_strdup (name);
  if (INTERNET_ADDRESS_IS_MAILBOX (first))
    return g_strdup (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (first)));
  return g_strdup (_("Someone"));
}

static char *
attribution (GMimeMessage *message)
{
  g_autofree char *date = format_date (message);
  g_autofree char *name = sender_name (message);

  if (date == NULL)
    /* Translators: the line above a quoted message without a date */
    return g_strdup_printf (_("%s wrote:"), name);
  /* Translators: the line above a quoted message: "On <date>, <name> wrote:" */
  return g_strdup_printf (_("On %s, %s wrote:"), date, name);
}

static void
add_header_line (GString *out, const char *label, const char *value)
{
  if (value != NULL && *value != '\0')
    g_string_append_printf (out, "%s %s\n", label, value);
}

static char *
forwarded_header (GMimeMessage *message)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *date = format_date (message);
  g_autofree char *from = NULL, *to = NULL, *cc = NULL;

  if (internet_address_list_length (g_mime_message_get_from (message)) > 0)
    from = internet_address_list_to_string (g_mime_message_get_from (message), NULL, FALSE);
  if (internet_address_list_length (g_mime_message_get_to (message)) > 0)
    to = internet_address_list_to_string (g_mime_message_get_to (message), NULL, FALSE);
  if (internet_address_list_length (g_mime_message_get_cc (message)) > 0)
    cc = internet_address_list_to_string (g_mime_message_get_cc (message), NULL, FALSE);
  /* Translators: the line above the header of a message forwarded in the text */
  g_string_append_printf (out, "-------- %s --------\n", _("Forwarded Message"));
  /* Translators: the header fields of a forwarded message, each followed by its value */
  add_header_line (out, C_("forwarded header", "Subject:"), g_mime_message_get_subject (message));
  add_header_line (out, C_("forwarded header", "Date:"), date);
  add_header_line (out, C_("forwarded header", "From:"), from);
  add_header_line (out, C_("forwarded header", "To:"), to);
  add_header_line (out, C_("forwarded header", "Cc:"), cc);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ---- the reply ------------------------------------------------------------------------------ */

static void
set_references (TernOutboxComposition *self, GMimeMessage *message)
{
  const char *message_id = g_mime_message_get_message_id (message);
  const char *value = g_mime_object_get_header (GMIME_OBJECT (message), "References");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GMimeReferences) refs = NULL;

  if (value != NULL)
    refs = g_mime_references_parse (NULL, value);
  if ((refs == NULL || g_mime_references_length (refs) == 0) &&
      (value = g_mime_object_get_header (GMIME_OBJECT (message), "In-Reply-To")) != NULL)
    {
      g_clear_pointer (&refs, g_mime_references_free);
      refs = g_mime_references_parse (NULL, value);
    }
  for (int i = 0; refs != NULL && i < g_mime_references_length (refs); i++)
    if (g_strcmp0 (g_mime_references_get_message_id (refs, i), message_id) != 0)
      g_strv_builder_add (builder, g_mime_references_get_message_id (refs, i));
  if (message_id != NULL && *message_id != '\0')
    {
      g_strv_builder_add (builder, message_id);
      self->in_reply_to = g_strdup (message_id);
    }
  self->references = g_strv_builder_end (builder);
  if (self->references[0] == NULL)
    g_clear_pointer (&self->references, g_strfreev);
}

static char *
forward_filename (GMimeMessage *message)
{
  const char *subject = g_mime_message_get_subject (message);
  g_autofree char *name = g_strdup (subject != NULL && *subject != '\0' ? subject : _("Forwarded message"));

  /* Characters that cannot be in a file name on the recipient's system. */
  g_strdelimit (name, "/\\:*?\"<>|\t\r\n", '_');
  if (g_utf8_strlen (name, -1) > 60)
    *g_utf8_offset_to_pointer (name, 60) = '\0';
  return g_strconcat (name, ".eml", NULL);
}

/**
 * tern_outbox_composition_new_reply:
 * @original: the message replied to or forwarded, whole
 * @own_addresses: (array zero-terminated=1) (nullable): one's addresses (every
 *   account's and identity's): left out of Reply All, and the first the original was
 *   sent to becomes @from
 *
 * Fails with %TERN_OUTBOX_ERROR_NOT_A_MESSAGE.
 *
 * Returns: (transfer full): the reply or forward, to be completed by the user (and
 *   tern_outbox_composition_add_signature())
 */
TernOutboxComposition *
tern_outbox_composition_new_reply (GBytes *original, TernOutboxReplyKind kind, const char * const *own_addresses,
                                   GError **error)
{
  g_autoptr(GMimeMessage) message = _tern_outbox_parse_message (original);
  g_autoptr(TernOutboxComposition) self = NULL;
  g_autoptr(GHashTable) own = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) attachments = g_ptr_array_new ();
  Walk w = { NULL, FALSE, attachments };
  const char *message_id;
  gboolean forward = kind == TERN_OUTBOX_FORWARD_INLINE || kind == TERN_OUTBOX_FORWARD_ATTACHMENT;

  if (message == NULL)
    {
      g_set_error_literal (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_NOT_A_MESSAGE,
                           _("This is not an e-mail message"));
      return NULL;
    }
  for (guint i = 0; own_addresses != NULL && own_addresses[i] != NULL; i++)
    g_hash_table_add (own, g_utf8_strdown (own_addresses[i], -1));

  self = tern_outbox_composition_new ();
  self->from = find_identity (message, own);
  self->subject = tern_outbox_reply_subject (g_mime_message_get_subject (message), forward);
  message_id = g_mime_message_get_message_id (message);
  if (message_id != NULL && *message_id != '\0')
    {
      self->origin = forward ? TERN_OUTBOX_ORIGIN_FORWARD : TERN_OUTBOX_ORIGIN_REPLY;
      self->origin_message_id = g_strdup (message_id);
    }
  if (g_mime_message_get_mime_part (message) != NULL && kind != TERN_OUTBOX_FORWARD_ATTACHMENT)
    walk (&w, g_mime_message_get_mime_part (message), 0);

  switch (kind)
    {
    case TERN_OUTBOX_REPLY_SENDER:
    case TERN_OUTBOX_REPLY_ALL:
      {
        g_autofree char *text = body_text (&w);
        g_autofree char *quote = tern_outbox_quote_text (text);
        g_autofree char *line = attribution (message);

        set_recipients (self, message, own, kind == TERN_OUTBOX_REPLY_ALL);
        set_references (self, message);
        g_free (self->body);
        self->body = g_strdup_printf ("%s\n%s", line, quote);
        break;
      }

    case TERN_OUTBOX_FORWARD_INLINE:
      {
        g_autofree char *text = body_text (&w);
        g_autofree char *header = forwarded_header (message);

        g_strchomp (text);
        g_free (self->body);
        self->body = g_strdup_printf ("%s\n%s\n", header, text);
        for (guint i = 0; i < attachments->len; i++)
          {
            GMimeObject *part = g_ptr_array_index (attachments, i);

            if (GMIME_IS_MESSAGE_PART (part))
              {
                GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (part));
                g_autoptr(GMimeStream) stream = g_mime_stream_mem_new ();
                const char *name = g_mime_object_get_content_disposition_parameter (part, "filename");
                GByteArray *array;
                g_autoptr(GBytes) data = NULL;
                g_autofree char *fallback = NULL;

                if (inner == NULL)
                  continue;
                g_mime_object_write_to_stream (GMIME_OBJECT (inner), NULL, stream);
                array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
                data = g_bytes_new (array->data, array->len);
                fallback = forward_filename (inner);
                g_ptr_array_add (self->attachments,
                                 tern_outbox_attachment_new (name != NULL ? name : fallback, "message/rfc822", data));
              }
            else
              {
                g_autoptr(GBytes) data = _tern_outbox_part_content (GMIME_PART (part));
                g_autofree char *mime_type = g_mime_content_type_get_mime_type (g_mime_object_get_content_type (part));

                g_ptr_array_add (self->attachments,
                                 tern_outbox_attachment_new (g_mime_part_get_filename (GMIME_PART (part)), mime_type,
                                                             data));
              }
          }
        break;
      }

    case TERN_OUTBOX_FORWARD_ATTACHMENT:
      {
        g_autofree char *name = forward_filename (message);

        g_ptr_array_add (self->attachments, tern_outbox_attachment_new (name, "message/rfc822", original));
        break;
      }
    }
  return g_steal_pointer (&self);
}
