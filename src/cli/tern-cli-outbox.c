/* tern-cli-outbox.c: tern-cli outbox [--json] [--flush] [--account ACCOUNT] [--dismiss ID]
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lists the messages waiting to be sent (queued, sending, failed), and those sent
 * to some recipients only (partly-sent, with the refused ones); --flush sends them
 * now, retry times notwithstanding; --dismiss removes a failed or partly-sent one. Exit status 0 when everything listed could
 * be sent (or, without --flush, when the list was printed).
 */
#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "tern-cli.h"
#include "tern-cli-mail.h"
#include "tern-cli-output.h"
#include "tern-outbox-mime.h"
#include "tern-store-db-outbox.h"

static TernStoreOutboxEntry *
find_entry (GPtrArray *entries, gint64 id)
{
  for (guint i = 0; i < entries->len; i++)
    {
      TernStoreOutboxEntry *entry = g_ptr_array_index (entries, i);
      if (entry->id == id)
        return entry;
    }
  return NULL;
}

static GPtrArray *
list_outbox (TernMail *mail, TernMailAccount *account, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tern_mail_list_outbox_async (mail, account, NULL, tern_cli_mail_done_cb, &result);
  return tern_mail_list_outbox_finish (mail, tern_cli_mail_wait (&result), error);
}

/**
 * tern_cli_outbox_send_now:
 *
 * Tries to send the account's outbox once, and says what became of @outbox_id.
 * A message that could not be sent now but stays queued is a success (exit 0):
 * it is safe in the outbox and goes out at the next sync or outbox --flush.
 */
int
tern_cli_outbox_send_now (const char *command, TernMail *mail, TernMailAccount *account, gint64 outbox_id)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) flush_error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  TernStoreOutboxEntry *entry;

  tern_mail_outbox_flush_async (mail, account, NULL, tern_cli_mail_done_cb, &result);
  tern_mail_outbox_flush_finish (mail, tern_cli_mail_wait (&result), &flush_error);

  entries = list_outbox (mail, NULL, &error);
  if (entries == NULL)
    {
      tern_cli_printerr_error (command, error);
      return TERN_CLI_EXIT_FAILURE;
    }
  entry = find_entry (entries, outbox_id);
  if (entry == NULL)
    {
      g_print (_("Sent.\n"));
      return TERN_CLI_EXIT_OK;
    }
  if (entry->state == TERN_STORE_OUTBOX_PARTLY_SENT)
    {
      g_autoptr(GPtrArray) replies = NULL;
      g_autoptr(GPtrArray) rejected = tern_store_outbox_parse_rejected (entry->last_error, &replies);

      g_print (_("Sent, but not to every recipient.\n"));
      for (guint i = 0; i < rejected->len; i++)
        {
          g_autofree char *reply = tern_cli_output_sanitize (g_ptr_array_index (replies, i));
          g_printerr (_("tern-cli %s: the server refused %s: %s\n"), command,
                      (const char *) g_ptr_array_index (rejected, i), reply);
        }
      return TERN_CLI_EXIT_OK;
    }
  if (entry->state == TERN_STORE_OUTBOX_SENT)
    {
      g_autofree char *why = tern_cli_output_sanitize (entry->last_error != NULL ? entry->last_error
                                                                                 : _("not filed in Sent yet"));
      g_print (_("Sent.\n"));
      g_printerr (_("tern-cli %s: %s; the next “tern-cli sync” or “tern-cli outbox --flush” "
                    "files it\n"), command, why);
      return TERN_CLI_EXIT_OK;
    }
  if (entry->state == TERN_STORE_OUTBOX_FAILED)
    {
      g_autofree char *why = tern_cli_output_sanitize (entry->last_error != NULL ? entry->last_error : "");
      g_printerr (_("tern-cli %s: the server refused the message: %s\n"), command, why);
      return TERN_CLI_EXIT_FAILURE;
    }
  {
    g_autofree char *why = tern_cli_output_sanitize (flush_error != NULL ? flush_error->message
                                                     : entry->last_error != NULL ? entry->last_error
                                                     : _("unknown reason"));
    g_printerr (_("tern-cli %s: not sent now (%s); the message stays in the outbox and is sent "
                  "by the next “tern-cli sync” or “tern-cli outbox --flush”\n"), command, why);
  }
  return TERN_CLI_EXIT_OK;
}

/* last_error without the refused-recipient lines, or NULL when nothing is left. */
static char *
plain_error (const char *last_error)
{
  g_auto(GStrv) lines = g_strsplit (last_error != NULL ? last_error : "", "\n", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' && !g_str_has_prefix (lines[i], TERN_STORE_OUTBOX_REJECTED_PREFIX))
      {
        if (out->len > 0)
          g_string_append_c (out, '\n');
        g_string_append (out, lines[i]);
      }
  return out->len > 0 ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

static void
add_time (JsonBuilder *builder, const char *name, gint64 when)
{
  json_builder_set_member_name (builder, name);
  if (when > 0)
    {
      g_autofree char *text = tern_cli_output_format_date (when, 0);
      json_builder_add_string_value (builder, text);
    }
  else
    json_builder_add_null_value (builder);
}

int
tern_cli_outbox (int argc, char **argv)
{
  g_autofree char *address = NULL;
  gboolean json = FALSE, flush = FALSE;
  gint64 dismiss = 0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "flush", 0, 0, G_OPTION_ARG_NONE, &flush, N_("Send the waiting messages now"), NULL },
    { "account", 0, 0, G_OPTION_ARG_STRING, &address, N_("Only this account (its e-mail address)"), N_("ACCOUNT") },
    { "dismiss", 0, 0, G_OPTION_ARG_INT64, &dismiss, N_("Remove this failed or partly sent message from the list"), N_("ID") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GHashTable) flushed = g_hash_table_new (g_direct_hash, g_direct_equal);
  gint64 only_account = 0;
  int status = TERN_CLI_EXIT_OK;

  g_option_context_set_summary (context, _("Lists the messages waiting to be sent: queued (maybe "
                                           "until a retry time), being sent, or refused by the "
                                           "server (failed, with its reply); and those the server "
                                           "refused for some recipients only (partly-sent, with "
                                           "the refused recipients and replies)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!tern_cli_output_parse_args (context, "outbox", &argc, &argv))
    return TERN_CLI_EXIT_USAGE;
  if (argc != 1)
    {
      g_printerr (_("tern-cli outbox: unexpected argument “%s”\n"), argv[1]);
      return TERN_CLI_EXIT_USAGE;
    }

  db = tern_cli_output_open_store (&error);
  if (db == NULL)
    {
      tern_cli_printerr_error ("outbox", error);
      return TERN_CLI_EXIT_FAILURE;
    }

  if (dismiss != 0)
    {
      g_autoptr(GPtrArray) all = tern_store_db_outbox_list (db, 0, &error);
      TernStoreOutboxEntry *entry = all != NULL ? find_entry (all, dismiss) : NULL;

      if (all == NULL)
        {
          tern_cli_printerr_error ("outbox", error);
          return TERN_CLI_EXIT_FAILURE;
        }
      if (entry == NULL ||
          (entry->state != TERN_STORE_OUTBOX_FAILED && entry->state != TERN_STORE_OUTBOX_PARTLY_SENT))
        {
          g_printerr (_("tern-cli outbox: no failed or partly sent message %" G_GINT64_FORMAT "\n"), dismiss);
          return TERN_CLI_EXIT_FAILURE;
        }
      {
        g_autoptr(TernMail) mail = tern_cli_mail_open (&error);
        g_autoptr(GAsyncResult) result = NULL;

        if (mail == NULL)
          {
            tern_cli_printerr_error ("outbox", error);
            return TERN_CLI_EXIT_FAILURE;
          }
        tern_mail_outbox_delete_async (mail, dismiss, NULL, tern_cli_mail_done_cb, &result);
        return tern_cli_mail_finish (mail, &result, "outbox", NULL) ? TERN_CLI_EXIT_OK : TERN_CLI_EXIT_FAILURE;
      }
    }

  if (address != NULL && (only_account = tern_cli_output_resolve_account (db, address, &error)) == 0)
    {
      tern_cli_printerr_error ("outbox", error);
      return TERN_CLI_EXIT_FAILURE;
    }

  if (flush)
    {
      g_autoptr(TernMail) mail = tern_cli_mail_open (&error);
      g_autoptr(GPtrArray) before = tern_store_db_outbox_list (db, only_account, &error);

      if (mail == NULL || before == NULL)
        {
          tern_cli_printerr_error ("outbox", error);
          return TERN_CLI_EXIT_FAILURE;
        }
      for (guint i = 0; i < before->len; i++)
        {
          TernStoreOutboxEntry *entry = g_ptr_array_index (before, i);
          TernMailAccount *account;
          g_autoptr(GError) flush_error = NULL;
          g_autoptr(GAsyncResult) result = NULL;

          if (entry->state == TERN_STORE_OUTBOX_FAILED ||
              entry->state == TERN_STORE_OUTBOX_PARTLY_SENT ||
              g_hash_table_contains (flushed, GINT_TO_POINTER (entry->account_id)))
            continue;
          g_hash_table_add (flushed, GINT_TO_POINTER (entry->account_id));
          account = tern_mail_lookup_account (mail, entry->account);
          if (account == NULL)
            {
              g_printerr (_("tern-cli outbox: no account “%s” any more: its messages cannot be sent\n"),
                          entry->account);
              status = TERN_CLI_EXIT_FAILURE;
              continue;
            }
          tern_mail_outbox_flush_async (mail, account, NULL, tern_cli_mail_done_cb, &result);
          if (!tern_mail_outbox_flush_finish (mail, tern_cli_mail_wait (&result), &flush_error))
            {
              g_autofree char *message = tern_cli_output_sanitize (flush_error->message);
              g_printerr ("tern-cli outbox: %s\n", message);
              status = TERN_CLI_EXIT_FAILURE;
            }
        }
    }

  list = tern_store_db_outbox_list (db, only_account, &error);
  if (list == NULL)
    {
      tern_cli_printerr_error ("outbox", error);
      return TERN_CLI_EXIT_FAILURE;
    }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < list->len; i++)
        {
          TernStoreOutboxEntry *entry = g_ptr_array_index (list, i);
          g_autoptr(GBytes) raw = tern_store_db_outbox_get_raw (db, entry->id, NULL);
          g_autofree char *subject = raw != NULL ? tern_outbox_dup_subject (raw) : NULL;
          g_autoptr(GPtrArray) replies = NULL;
          g_autoptr(GPtrArray) rejected = tern_store_outbox_parse_rejected (entry->last_error, &replies);
          g_autofree char *error_text = plain_error (entry->last_error);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_int_value (builder, entry->id);
          json_builder_set_member_name (builder, "account");
          json_builder_add_string_value (builder, entry->account);
          json_builder_set_member_name (builder, "subject");
          json_builder_add_string_value (builder, subject);
          json_builder_set_member_name (builder, "to");
          json_builder_begin_array (builder);
          for (guint j = 0; entry->rcpt_to[j] != NULL; j++)
            json_builder_add_string_value (builder, entry->rcpt_to[j]);
          json_builder_end_array (builder);
          json_builder_set_member_name (builder, "state");
          json_builder_add_string_value (builder, tern_store_outbox_state_to_string (entry->state));
          json_builder_set_member_name (builder, "attempts");
          json_builder_add_int_value (builder, entry->attempts);
          add_time (builder, "created", entry->created);
          add_time (builder, "next_attempt", entry->next_attempt);
          json_builder_set_member_name (builder, "error");
          if (error_text != NULL)
            json_builder_add_string_value (builder, error_text);
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "rejected");
          json_builder_begin_array (builder);
          for (guint j = 0; j < rejected->len; j++)
            {
              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "recipient");
              json_builder_add_string_value (builder, g_ptr_array_index (rejected, j));
              json_builder_set_member_name (builder, "reply");
              json_builder_add_string_value (builder, g_ptr_array_index (replies, j));
              json_builder_end_object (builder);
            }
          json_builder_end_array (builder);
          json_builder_set_member_name (builder, "size");
          json_builder_add_int_value (builder, entry->size);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      if (!tern_cli_output_print_json (builder, &error))
        {
          tern_cli_printerr_error ("outbox", error);
          return TERN_CLI_EXIT_FAILURE;
        }
    }
  else if (list->len == 0)
    g_print (_("The outbox is empty.\n"));
  else
    for (guint i = 0; i < list->len; i++)
      {
        TernStoreOutboxEntry *entry = g_ptr_array_index (list, i);
        g_autoptr(GBytes) raw = tern_store_db_outbox_get_raw (db, entry->id, NULL);
        g_autofree char *subject = raw != NULL ? tern_outbox_dup_subject (raw) : NULL;
        g_autofree char *to = g_strjoinv (", ", entry->rcpt_to);

        g_print ("%-6" G_GINT64_FORMAT " %-8s %-24s %s\n", entry->id,
                 tern_store_outbox_state_to_string (entry->state), to,
                 subject != NULL ? subject : "");
        g_autoptr(GPtrArray) replies = NULL;
        g_autoptr(GPtrArray) rejected = tern_store_outbox_parse_rejected (entry->last_error, &replies);
        g_autofree char *error_text = plain_error (entry->last_error);

        if (error_text != NULL)
          g_print ("       %s\n", error_text);
        for (guint j = 0; j < rejected->len; j++)
          g_print (_("       refused %s: %s\n"), (const char *) g_ptr_array_index (rejected, j),
                   (const char *) g_ptr_array_index (replies, j));
      }

  /* --flush succeeds when nothing it tried is left waiting. */
  if (flush)
    for (guint i = 0; i < list->len; i++)
      {
        TernStoreOutboxEntry *entry = g_ptr_array_index (list, i);
        if (g_hash_table_contains (flushed, GINT_TO_POINTER (entry->account_id)) &&
            entry->state != TERN_STORE_OUTBOX_FAILED &&
            entry->state != TERN_STORE_OUTBOX_PARTLY_SENT)
          status = TERN_CLI_EXIT_FAILURE;
      }
  return status;
}
