/* tern-cli-output.c: what the store commands of tern-cli share
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * JSON output is a contract: one array (also when empty), UTF-8. Every --json
 * output of tern-cli is built with json-glib and written by one writer, the one
 * here (tern_cli_output_json_to_string()), which escapes every string itself:
 * json-glib 1.6 (Debian 12) leaves U+001F and invalid UTF-8 as they are, which
 * is not JSON.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "tern-engine.h"
#include "tern-cli.h"
#include "tern-cli-output.h"

/**
 * tern_cli_output_open_store:
 *
 * Opens the store at `$XDG_DATA_HOME/tern/store.db` (`$TERN_STORE` if set).
 */
TernStoreDb *
tern_cli_output_open_store (GError **error)
{
  const char *path = g_getenv ("TERN_STORE");

  return tern_store_db_open (path != NULL && *path != '\0' ? path : NULL, error);
}

/**
 * tern_cli_output_resolve_account:
 * @account: (nullable): an account's e-mail address, or %NULL/"local" for
 *   Local Folders
 *
 * Returns: the store's id of the account, creating its row for an account that
 *   is configured (tern-cli account add) but has no mail yet; 0 on error
 */
gint64
tern_cli_output_resolve_account (TernStoreDb *db, const char *account, GError **error)
{
  g_autoptr(TernAccountManager) manager = NULL;
  g_autoptr(GError) local_error = NULL;
  TernAccount *configured;
  gint64 id;

  if (account == NULL || *account == '\0')
    account = TERN_STORE_LOCAL_ACCOUNT;
  if (g_ascii_strcasecmp (account, TERN_STORE_LOCAL_ACCOUNT) == 0)
    return tern_store_db_ensure_account (db, TERN_STORE_LOCAL_ACCOUNT, TERN_STORE_ACCOUNT_LOCAL, error);

  if ((id = tern_store_db_lookup_account (db, account, &local_error)) > 0)
    return id;
  if (!g_error_matches (local_error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return 0;
    }

  manager = tern_account_manager_new (NULL);
  if (tern_account_manager_load (manager, NULL) &&
      (configured = tern_account_manager_lookup (manager, account)) != NULL)
    return tern_store_db_ensure_account (db, tern_account_get_email (configured),
                                         tern_account_get_protocol (configured) == TERN_ACCOUNT_PROTOCOL_POP3
                                         ? TERN_STORE_ACCOUNT_POP3 : TERN_STORE_ACCOUNT_IMAP,
                                         error);

  g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
               _("No account “%s” (see “tern-cli account list”; Local Folders are “local”)"),
               account);
  return 0;
}

/**
 * tern_cli_output_folder_map:
 *
 * Returns: (transfer full) (element-type gint64 TernStoreFolder): every folder by id
 */
GHashTable *
tern_cli_output_folder_map (TernStoreDb *db, GError **error)
{
  g_autoptr(GPtrArray) folders = tern_store_db_list_folders (db, 0, error);
  GHashTable *map;

  if (folders == NULL)
    return NULL;
  map = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  for (guint i = 0; i < folders->len; i++)
    {
      TernStoreFolder *folder = g_ptr_array_index (folders, i);
      gint64 id = tern_store_folder_get_id (folder);
      g_hash_table_insert (map, g_memdup2 (&id, sizeof id), g_object_ref (folder));
    }
  return map;
}

/**
 * tern_cli_output_format_date:
 *
 * Returns: (transfer full): ISO 8601 with the message's own UTC offset, e.g.
 *   "2002-08-23T02:32:53-04:00"
 */
char *
tern_cli_output_format_date (gint64 date, int tz_minutes)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (date);
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) local = NULL;
  char sign = tz_minutes < 0 ? '-' : '+';
  int off = ABS (tz_minutes);

  if (utc == NULL)
    utc = g_date_time_new_from_unix_utc (0);
  if (off >= 24 * 60)
    off = 0, sign = '+';
  tz = g_time_zone_new_offset ((sign == '-' ? -off : off) * 60);
  local = tz != NULL ? g_date_time_to_timezone (utc, tz) : g_date_time_ref (utc);
  if (local == NULL)
    local = g_date_time_ref (utc);
  {
    g_autofree char *base = g_date_time_format (local, "%Y-%m-%dT%H:%M:%S");
    return g_strdup_printf ("%s%c%02d:%02d", base, sign, off / 60, off % 60);
  }
}

static void
add_string_or_null (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * tern_cli_output_add_message:
 *
 * Adds one message object: id, account, folder, uid, message_id, subject, from,
 * date, flags (with the IMAP keywords), size, has_attachments.
 */
void
tern_cli_output_add_message (JsonBuilder *builder, TernStoreMessage *message, GHashTable *folders)
{
  gint64 folder_id = tern_store_message_get_folder_id (message);
  TernStoreFolder *folder = g_hash_table_lookup (folders, &folder_id);
  g_autofree char *date = tern_cli_output_format_date (tern_store_message_get_date (message),
                                                       tern_store_message_get_date_tz (message));
  g_auto(GStrv) flags = tern_store_flags_to_strv (tern_store_message_get_flags (message));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, tern_store_message_get_id (message));
  add_string_or_null (builder, "account", folder != NULL ? tern_store_folder_get_account (folder) : NULL);
  add_string_or_null (builder, "folder", folder != NULL ? tern_store_folder_get_path (folder) : NULL);
  json_builder_set_member_name (builder, "uid");
  json_builder_add_int_value (builder, tern_store_message_get_uid (message));
  add_string_or_null (builder, "message_id", tern_store_message_get_message_id (message));
  add_string_or_null (builder, "subject", tern_store_message_get_subject (message));
  add_string_or_null (builder, "from", tern_store_message_get_from (message));
  add_string_or_null (builder, "date", date);
  json_builder_set_member_name (builder, "flags");
  json_builder_begin_array (builder);
  for (guint i = 0; flags[i] != NULL; i++)
    json_builder_add_string_value (builder, flags[i]);
  if (tern_store_message_get_keywords (message) != NULL)
    {
      /* IMAP keywords ($Forwarded, $Junk...) are flags too, by their IMAP names. */
      g_auto(GStrv) keywords = g_strsplit (tern_store_message_get_keywords (message), " ", -1);

      for (guint i = 0; keywords[i] != NULL; i++)
        if (*keywords[i] != '\0')
          json_builder_add_string_value (builder, keywords[i]);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, tern_store_message_get_size (message));
  json_builder_set_member_name (builder, "has_attachments");
  json_builder_add_boolean_value (builder, tern_store_message_get_has_attachments (message));
  json_builder_end_object (builder);
}

/* ---- the JSON writer ------------------------------------------------------------- */

/* A JSON string of @text: quotes, backslashes and every control character (C0, DEL
 * and C1) escaped, and U+2028/U+2029 too, so that the output is one valid line of
 * JSON whatever a mail holds; invalid UTF-8 becomes U+FFFD. */
static void
append_json_string (GString *out, const char *text)
{
  g_autofree char *valid = NULL;

  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_len (out, p, g_utf8_next_char (p) - p);
          break;
        }
    }
  g_string_append_c (out, '"');
}

static void
append_indent (GString *out, gboolean pretty, guint level)
{
  if (pretty)
    for (guint i = 0; i < level * 2; i++)
      g_string_append_c (out, ' ');
}

/* The layout is json-glib's (JsonGenerator, indent 2 when pretty), so that
 * outputs without control characters stay byte for byte what they were. */
static void
append_json_node (GString *out, JsonNode *node, gboolean pretty, guint level)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object);

        g_string_append_c (out, '{');
        if (members == NULL)
          {
            g_string_append_c (out, '}');
            break;
          }
        if (pretty)
          g_string_append_c (out, '\n');
        for (GList *l = members; l != NULL; l = l->next)
          {
            append_indent (out, pretty, level + 1);
            append_json_string (out, l->data);
            g_string_append (out, pretty ? " : " : ":");
            append_json_node (out, json_object_get_member (object, l->data), pretty, level + 1);
            if (l->next != NULL)
              g_string_append_c (out, ',');
            if (pretty)
              g_string_append_c (out, '\n');
          }
        append_indent (out, pretty, level);
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        if (n == 0)
          {
            g_string_append_c (out, ']');
            break;
          }
        if (pretty)
          g_string_append_c (out, '\n');
        for (guint i = 0; i < n; i++)
          {
            append_indent (out, pretty, level + 1);
            append_json_node (out, json_array_get_element (array, i), pretty, level + 1);
            if (i + 1 < n)
              g_string_append_c (out, ',');
            if (pretty)
              g_string_append_c (out, '\n');
          }
        append_indent (out, pretty, level);
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          {
            char buffer[G_ASCII_DTOSTR_BUF_SIZE];
            g_string_append (out, g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (node)));
          }
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          if (json_node_get_string (node) != NULL)
            append_json_string (out, json_node_get_string (node));
          else
            g_string_append (out, "null");
          break;
        default:
          g_assert_not_reached ();
        }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

/**
 * tern_cli_output_json_to_string:
 * @node: a JSON tree (json-glib's)
 * @pretty: %TRUE for one member per line, indented by 2
 *
 * The one JSON writer of tern-cli: every --json output goes through it.
 *
 * Returns: (transfer full): valid JSON, in UTF-8, without a final newline
 */
char *
tern_cli_output_json_to_string (JsonNode *node, gboolean pretty)
{
  GString *out = g_string_new (NULL);

  append_json_node (out, node, pretty, 0);
  return g_string_free (out, FALSE);
}

/**
 * tern_cli_output_print_json_node:
 *
 * Writes @node to standard output (tern_cli_output_json_to_string()), with a
 * final newline.
 */
gboolean
tern_cli_output_print_json_node (JsonNode *node, gboolean pretty, GError **error)
{
  g_autofree char *text = tern_cli_output_json_to_string (node, pretty);
  gsize len = strlen (text);

  if (fwrite (text, 1, len, stdout) != len || fputc ('\n', stdout) == EOF || fflush (stdout) != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write to standard output"));
      return FALSE;
    }
  return TRUE;
}

/**
 * tern_cli_output_print_json:
 *
 * Writes the builder's root to standard output, compact, with a final newline.
 */
gboolean
tern_cli_output_print_json (JsonBuilder *builder, GError **error)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  return tern_cli_output_print_json_node (root, FALSE, error);
}

/* Streaming an array: list and search print row by row, so that a 100,000-row
 * result never sits in memory as one JSON tree. */
void
tern_cli_output_json_begin (void)
{
  fputc ('[', stdout);
}

void
tern_cli_output_json_message (TernStoreMessage *message, GHashTable *folders, gboolean *first)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  tern_cli_output_add_message (builder, message, folders);
  node = json_builder_get_root (builder);
  text = tern_cli_output_json_to_string (node, FALSE);
  if (!*first)
    fputc (',', stdout);
  fputs (text, stdout);
  *first = FALSE;
}

gboolean
tern_cli_output_json_end (GError **error)
{
  if (fputs ("]\n", stdout) == EOF || fflush (stdout) != 0 || ferror (stdout))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write to standard output"));
      return FALSE;
    }
  return TRUE;
}

void
tern_cli_output_print_header (void)
{
  g_print ("%8s  %-5s  %-16s  %-28s  %s\n", _("ID"), _("Flags"), _("Date"), _("From"), _("Subject"));
}

/* Pads or cuts UTF-8 text to @width characters. */
static char *
fit (const char *text, guint width)
{
  GString *s = g_string_new (NULL);
  guint n = 0;

  for (const char *p = text != NULL ? text : ""; *p != '\0' && n < width; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      g_string_append_unichar (s, g_unichar_iscntrl (c) ? ' ' : c);
      n++;
    }
  for (; n < width; n++)
    g_string_append_c (s, ' ');
  return g_string_free (s, FALSE);
}

void
tern_cli_output_print_message (TernStoreMessage *message, GHashTable *folders)
{
  TernStoreFlags flags = tern_store_message_get_flags (message);
  g_autoptr(GDateTime) date = tern_store_message_dup_date_time (message);
  g_autofree char *when = g_date_time_format (date, "%Y-%m-%d %H:%M");
  g_autofree char *from = fit (tern_store_message_get_from (message), 28);
  g_autofree char *subject = fit (tern_store_message_get_subject (message), 60);
  char marks[6] = "     ";

  if (!(flags & TERN_STORE_FLAG_SEEN))
    marks[0] = 'N';
  if (flags & TERN_STORE_FLAG_FLAGGED)
    marks[1] = 'F';
  if (flags & TERN_STORE_FLAG_ANSWERED)
    marks[2] = 'A';
  if (flags & TERN_STORE_FLAG_DELETED)
    marks[3] = 'D';
  if (tern_store_message_get_has_attachments (message))
    marks[4] = '@';

  g_print ("%8" G_GINT64_FORMAT "  %s  %-16s  %s  %s\n", tern_store_message_get_id (message), marks,
           when, from, g_strchomp (subject));
}

/**
 * tern_cli_output_sanitize:
 * @text: (nullable): text from mail or a server (a folder name, a reply)
 *
 * What may reach a terminal of such text: control characters (ESC, BEL, a lone
 * CR, DEL, C1...) become U+FFFD, so that nobody's mail or server can move the
 * cursor, retitle the window or worse; newlines and tabs stay, CR LF becomes a
 * newline; invalid UTF-8 is repaired.
 *
 * Returns: (transfer full) (nullable): the text to print
 */
char *
tern_cli_output_sanitize (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL)
    return NULL;
  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\r' && p[1] == '\n')
        continue;
      if (c == '\n' || c == '\t' || !g_unichar_iscntrl (c))
        g_string_append_unichar (out, c);
      else
        g_string_append_unichar (out, 0xFFFD);
    }
  return g_string_free (out, FALSE);
}

/* Like GLib's own handlers (in the locale's charset, flushed), but cleaned first. */
static void
print_sanitized (FILE *stream, const char *string)
{
  g_autofree char *clean = tern_cli_output_sanitize (string);
  const char *charset;

  if (g_get_console_charset (&charset))
    fputs (clean, stream);
  else
    {
      g_autofree char *converted = g_convert_with_fallback (clean, -1, charset, "UTF-8", "?",
                                                            NULL, NULL, NULL);
      fputs (converted != NULL ? converted : clean, stream);
    }
  fflush (stream);
}

static void
print_cb (const char *string)
{
  print_sanitized (stdout, string);
}

static void
printerr_cb (const char *string)
{
  print_sanitized (stderr, string);
}

/**
 * tern_cli_output_install_print_handlers:
 *
 * Makes g_print() and g_printerr() clean what they print with
 * tern_cli_output_sanitize(). tern-cli prints every text through them (mail's
 * From, Subject and body, server folder names, servers' replies in errors), so no
 * control character from mail or a server reaches the terminal, whatever the
 * command. What must be exact does not go through them: `show --raw` writes the
 * stored bytes, and JSON (tern_cli_output_json_to_string()) escapes every control
 * character itself.
 */
void
tern_cli_output_install_print_handlers (void)
{
  g_set_print_handler (print_cb);
  g_set_printerr_handler (printerr_cb);
}

/**
 * tern_cli_output_parse_args:
 *
 * Parses a command's options; prints the error and the usage hint on failure.
 */
gboolean
tern_cli_output_parse_args (GOptionContext *context, const char *command, int *argc, char ***argv)
{
  g_autoptr(GError) error = NULL;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("tern-cli %s: %s\n", command, error->message);
      g_printerr (_("Run “tern-cli %s --help” for its options.\n"), command);
      return FALSE;
    }
  return TRUE;
}
