/* fuzz-imap-parser.c: libFuzzer target for the IMAP response parser
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is what a server sends. The first byte chooses how it is cut into chunks
 * (the parser must give the same responses however its input arrives, which is checked
 * against a second parse in one piece); the rest goes to TernImapParser, with limits
 * small enough that a hostile literal announcement is refused rather than allocated.
 * Every response then goes through the typed accessors the session uses (FETCH items,
 * ENVELOPE, BODYSTRUCTURE, LIST, STATUS, NAMESPACE, codes, UID sets) and every string
 * through the modified UTF-7 decoder, with an encode/decode round trip when it decodes.
 * Invariants abort, and so do GLib criticals and warnings. See meson.build beside this
 * file for how to build and run it.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tern-imap-body-structure.h"
#include "tern-imap-envelope.h"
#include "tern-imap-error.h"
#include "tern-imap-mailbox.h"
#include "tern-imap-namespace.h"
#include "tern-imap-parser.h"
#include "tern-imap-uid-set.h"
#include "tern-imap-utf7.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

static void
check (gboolean condition)
{
  if (!condition)
    abort ();
}

static void
check_utf7 (const char *text,
            gsize       length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *decoded = tern_imap_utf7_decode (text, length, &error);

  if (decoded == NULL)
    {
      check (error != NULL && g_error_matches (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_INVALID_NAME));
      check (g_utf8_validate (error->message, -1, NULL));
      return;
    }
  check (g_utf8_validate (decoded, -1, NULL));
  /* The decoder accepts exactly one spelling, so encoding gives the input back (a
   * decoded NUL cannot happen: it is refused). */
  {
    g_autofree char *encoded = tern_imap_utf7_encode (decoded);

    check (strlen (encoded) == length && memcmp (encoded, text, length) == 0);
  }
}

static void
walk_value (const TernImapValue *value,
            guint                depth)
{
  check (depth <= TERN_IMAP_PARSER_MAX_DEPTH + 2);

  if (value->kind == TERN_IMAP_VALUE_LIST)
    {
      guint n = 0;

      check (value->data == NULL);
      for (const TernImapValue *child = value->children; child != NULL; child = child->next)
        {
          walk_value (child, depth + 1);
          n++;
        }
      check (n == value->length);
      {
        g_auto(GStrv) atoms = tern_imap_value_dup_atoms (value);

        check (atoms != NULL);
      }
      return;
    }

  check (value->data != NULL && value->data[value->length] == '\0');
  if (value->bytes != NULL)
    check (g_bytes_get_size (value->bytes) == value->length);
  if (value->kind == TERN_IMAP_VALUE_NUMBER)
    {
      guint64 n = 0;

      check (tern_imap_value_get_number (value, &n));
    }
  if (value->length < 256 && memchr (value->data, '\0', value->length) == NULL)
    check_utf7 (value->data, value->length);
  {
    g_autoptr(TernImapUidSet) set = tern_imap_uid_set_new_from_value (value);

    if (set != NULL)
      {
        g_autofree char *text = tern_imap_uid_set_to_string (set);
        g_autoptr(GArray) array = tern_imap_uid_set_to_array (set, 1000);

        check (tern_imap_uid_set_get_n_ranges (set) > 0);
        check (array == NULL || array->len == tern_imap_uid_set_get_count (set));
        check (text[0] != '\0');
      }
  }
}

static void
exercise (TernImapResponse *response)
{
  const char *name = tern_imap_response_get_name (response);
  g_autofree char *text = tern_imap_response_to_string (response);

  check (text != NULL);
  check (name != NULL);
  walk_value (tern_imap_response_get_data (response), 0);
  if (tern_imap_response_get_code (response) != NULL)
    {
      walk_value (tern_imap_response_get_code (response), 0);
      check (tern_imap_response_get_code_name (response) != NULL);
    }
  if (tern_imap_response_get_kind (response) == TERN_IMAP_RESPONSE_TAGGED)
    check (tern_imap_response_get_tag (response) != NULL);

  if (g_str_equal (name, "FETCH"))
    {
      g_autoptr(TernImapEnvelope) envelope = tern_imap_response_dup_fetch_envelope (response);
      g_autoptr(TernImapBodyStructure) body = tern_imap_response_dup_fetch_body_structure (response);
      g_autoptr(GDateTime) date = tern_imap_response_dup_fetch_internaldate (response);
      g_autoptr(GBytes) section = tern_imap_response_dup_fetch_section (response, "BODY[]");
      g_auto(GStrv) flags = tern_imap_response_dup_fetch_flags (response);
      g_auto(GStrv) labels = tern_imap_response_dup_fetch_gmail_labels (response);
      guint32 uid;
      guint64 n;

      tern_imap_response_get_fetch_uid (response, &uid);
      tern_imap_response_get_fetch_modseq (response, &n);
      tern_imap_response_get_fetch_rfc822_size (response, &n);
      if (body != NULL)
        {
          g_autoptr(TernImapBodyStructure) copy = tern_imap_body_structure_copy (body);

          check (copy->type != NULL && copy->subtype != NULL && copy->part_id != NULL);
          tern_imap_body_structure_get_param (copy, "charset");
        }
      if (envelope != NULL)
        {
          g_autoptr(TernImapEnvelope) copy = tern_imap_envelope_copy (envelope);

          for (guint i = 0; i < copy->from->len; i++)
            g_free (tern_imap_address_dup_addr_spec (g_ptr_array_index (copy->from, i)));
        }
      for (guint i = 0; labels != NULL && labels[i] != NULL; i++)
        check (g_utf8_validate (labels[i], -1, NULL));
      for (guint i = 0; flags != NULL && flags[i] != NULL; i++)
        check (flags[i][0] != '\0' || TRUE);
      if (date != NULL)
        check (g_date_time_get_year (date) >= 1);
      if (section != NULL)
        check (g_bytes_get_size (section) < 2 * 1024 * 1024);
    }
  else if (g_str_equal (name, "LIST") || g_str_equal (name, "LSUB"))
    {
      for (guint utf8 = 0; utf8 < 2; utf8++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(TernImapMailbox) mailbox = tern_imap_mailbox_new_from_list (response, utf8, &error);

          if (mailbox == NULL)
            check (error != NULL && error->domain == TERN_IMAP_ERROR);
          else
            check (g_utf8_validate (mailbox->name, -1, NULL));
        }
    }
  else if (g_str_equal (name, "STATUS"))
    {
      g_autoptr(TernImapMailbox) mailbox = tern_imap_mailbox_new ("x");

      tern_imap_mailbox_apply_status (mailbox, tern_imap_response_get_data_item (response, 1));
    }
  else if (g_str_equal (name, "NAMESPACE"))
    {
      for (guint i = 0; i < 3; i++)
        {
          g_autoptr(GPtrArray) list =
            tern_imap_namespace_list_from_value (tern_imap_response_get_data_item (response, i), FALSE);

          for (guint j = 0; j < list->len; j++)
            check (g_utf8_validate (((TernImapNamespace *) g_ptr_array_index (list, j))->prefix, -1, NULL));
        }
    }

  if (tern_imap_response_get_text (response) != NULL)
    {
      g_autofree char *clean = tern_imap_sanitize_text (tern_imap_response_get_text (response), -1);

      check (g_utf8_validate (clean, -1, NULL));
    }
}

static gboolean
collect_cb (TernImapParser    *parser,
            TernImapResponse  *response,
            gpointer           user_data,
            GError           **error)
{
  g_ptr_array_add (user_data, tern_imap_response_to_string (response));
  exercise (response);
  return TRUE;
}

static TernImapParser *
new_parser (void)
{
  TernImapParser *parser = tern_imap_parser_new ();

  tern_imap_parser_set_limits (parser, 64 * 1024, 1024 * 1024, 4 * 1024 * 1024);
  tern_imap_parser_set_max_line_length (parser, 64 * 1024);
  return parser;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(TernImapParser) chunked = NULL;
  g_autoptr(TernImapParser) whole = NULL;
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;
  g_autoptr(GError) error_a = NULL;
  g_autoptr(GError) error_b = NULL;
  gboolean ok_a = TRUE, ok_b;
  gsize chunk;

  if (size < 1)
    return 0;
  chunk = 1 + data[0] % 97;
  data++;
  size--;

  chunked = new_parser ();
  whole = new_parser ();
  a = g_ptr_array_new_with_free_func (g_free);
  b = g_ptr_array_new_with_free_func (g_free);

  for (gsize pos = 0; pos < size && ok_a; pos += chunk)
    ok_a = tern_imap_parser_feed (chunked, data + pos, MIN (chunk, size - pos), collect_cb, a, &error_a);
  ok_b = tern_imap_parser_feed (whole, data, size, collect_cb, b, &error_b);

  /* The same outcome and the same responses, however the input was cut */
  check (ok_a == ok_b);
  check (a->len == b->len);
  for (guint i = 0; i < a->len; i++)
    check (g_str_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)));
  if (!ok_a)
    {
      check (error_a != NULL && error_a->domain == TERN_IMAP_ERROR);
      check (error_a->code == error_b->code);
      check (g_utf8_validate (error_a->message, -1, NULL));
      /* After a reset the parser works again */
      tern_imap_parser_reset (chunked);
      check (tern_imap_parser_feed (chunked, "* OK x\r\n", 8, NULL, NULL, NULL));
    }
  else
    check (tern_imap_parser_is_between_responses (chunked) == tern_imap_parser_is_between_responses (whole));

  return 0;
}
