/* tern-imap-session-commands.c: mailbox and message commands of TernImapSession
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-imap-error.h"
#include "tern-imap-session-private.h"

/* Every command here is synchronous and runs on the thread that drives the session;
 * see tern-imap-session.c for the threading rules and the pipeline. */

static gboolean
invalid_argument (GError     **error,
                  const char  *what,
                  const char  *value)
{
  g_autofree char *shown = g_utf8_make_valid (value != NULL ? value : "", -1);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("“%s” is not a valid %s"), shown, what);
  return FALSE;
}

static gboolean
check_uid_set (const char  *uid_set,
               GError     **error)
{
  if (!tern_imap_uid_set_is_valid_text (uid_set))
    return invalid_argument (error, _("set of UIDs"), uid_set);
  return TRUE;
}

static gboolean
check_mailbox (const char  *mailbox,
               GError     **error)
{
  if (mailbox == NULL || mailbox[0] == '\0' || !g_utf8_validate (mailbox, -1, NULL))
    return invalid_argument (error, _("mailbox name"), mailbox);
  return TRUE;
}

/* A flag or keyword: \Seen, $Junk, NonJunk... an atom, with "\" only in front. */
static gboolean
flag_is_valid (const char *flag)
{
  const char *p = flag;

  if (flag == NULL || flag[0] == '\0')
    return FALSE;
  if (*p == '\\')
    p++;
  if (*p == '\0')
    return FALSE;
  for (; *p != '\0'; p++)
    {
      guchar c = *p;

      if (c <= 0x20 || c >= 0x7f || strchr ("(){%*\"\\]", c) != NULL)
        return FALSE;
    }
  return TRUE;
}

static char *
flag_list (const char * const  *flags,
           GError             **error)
{
  GString *out = g_string_new ("(");

  for (guint i = 0; flags != NULL && flags[i] != NULL; i++)
    {
      if (!flag_is_valid (flags[i]))
        {
          invalid_argument (error, _("flag"), flags[i]);
          g_string_free (out, TRUE);
          return NULL;
        }
      if (i > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, flags[i]);
    }
  g_string_append_c (out, ')');
  return g_string_free (out, FALSE);
}

/* ---- ENABLE, ID, NAMESPACE ------------------------------------------------------------ */

/**
 * tern_imap_session_enable:
 * @capabilities: extensions to enable (RFC 5161), such as "QRESYNC" or "UTF8=ACCEPT"
 *
 * tern_imap_session_is_enabled() tells which the server enabled.
 */
gboolean
tern_imap_session_enable (TernImapSession     *self,
                          const char * const  *capabilities,
                          GCancellable        *cancellable,
                          GError             **error)
{
  g_autoptr(TernImapCommand) command = NULL;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);
  g_return_val_if_fail (capabilities != NULL && capabilities[0] != NULL, FALSE);

  if (!_tern_imap_session_check_state (self, FALSE, error) ||
      !_tern_imap_session_require (self, "ENABLE", _("enabling extensions"), error))
    return FALSE;

  command = tern_imap_command_new ("ENABLE");
  for (guint i = 0; capabilities[i] != NULL; i++)
    {
      if (!flag_is_valid (capabilities[i]) || capabilities[i][0] == '\\')
        return invalid_argument (error, _("capability"), capabilities[i]);
      tern_imap_command_add_atom (command, capabilities[i]);
    }
  return tern_imap_session_execute (self, command, cancellable, error);
}

static gboolean
id_untagged_cb (TernImapCommand  *command,
                TernImapResponse *response,
                gpointer          user_data)
{
  GHashTable *fields = user_data;
  const TernImapValue *list;

  if (!tern_imap_response_is (response, "ID"))
    return FALSE;

  list = tern_imap_response_get_data_item (response, 0);
  for (const TernImapValue *k = tern_imap_value_is_list (list) ? list->children : NULL;
       k != NULL && k->next != NULL; k = k->next->next)
    {
      const char *key = tern_imap_value_get_nstring (k, NULL);
      const char *value = tern_imap_value_get_nstring (k->next, NULL);

      if (key != NULL && value != NULL)
        g_hash_table_replace (fields, g_utf8_make_valid (key, -1), g_utf8_make_valid (value, -1));
    }
  return TRUE;
}

/**
 * tern_imap_session_id:
 * @client_fields: (nullable) (element-type utf8 utf8): what to tell the server about the
 *   client ("name", "version", ...); %NULL sends NIL
 *
 * The ID command (RFC 2971).
 *
 * Returns: (transfer full) (element-type utf8 utf8): what the server says about itself
 *   (empty when it says NIL)
 */
GHashTable *
tern_imap_session_id (TernImapSession  *self,
                      GHashTable       *client_fields,
                      GCancellable     *cancellable,
                      GError          **error)
{
  g_autoptr(TernImapCommand) command = NULL;
  g_autoptr(GHashTable) fields = NULL;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), NULL);

  if (!_tern_imap_session_check_connected (self, error) ||
      !_tern_imap_session_require (self, "ID", _("identification"), error))
    return NULL;

  command = tern_imap_command_new ("ID");
  if (client_fields == NULL || g_hash_table_size (client_fields) == 0)
    tern_imap_command_add_atom (command, "NIL");
  else
    {
      GHashTableIter iter;
      gpointer key, value;

      tern_imap_command_add_atom (command, "(");
      g_hash_table_iter_init (&iter, client_fields);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          tern_imap_command_add_string (command, key);
          tern_imap_command_add_string (command, value);
        }
      tern_imap_command_add_raw (command, ")");
    }

  fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  tern_imap_command_set_untagged_handler (command, id_untagged_cb, fields);
  if (!tern_imap_session_execute (self, command, cancellable, error))
    return NULL;
  return g_steal_pointer (&fields);
}

typedef struct
{
  TernImapSession *session;
  GPtrArray       *lists[3];
} NamespaceData;

static gboolean
namespace_untagged_cb (TernImapCommand  *command,
                       TernImapResponse *response,
                       gpointer          user_data)
{
  NamespaceData *data = user_data;
  gboolean utf8 = tern_imap_session_get_utf8_names (data->session);

  if (!tern_imap_response_is (response, "NAMESPACE"))
    return FALSE;

  for (guint i = 0; i < 3; i++)
    {
      g_clear_pointer (&data->lists[i], g_ptr_array_unref);
      data->lists[i] = tern_imap_namespace_list_from_value (tern_imap_response_get_data_item (response, i), utf8);
    }
  return TRUE;
}

/**
 * tern_imap_session_namespace:
 * @personal: (out) (optional) (transfer full) (element-type TernImapNamespace): the
 *   user's own namespaces
 * @other_users: (out) (optional) (transfer full) (element-type TernImapNamespace)
 * @shared: (out) (optional) (transfer full) (element-type TernImapNamespace)
 *
 * The NAMESPACE command (RFC 2342).
 */
gboolean
tern_imap_session_namespace (TernImapSession  *self,
                             GPtrArray       **personal,
                             GPtrArray       **other_users,
                             GPtrArray       **shared,
                             GCancellable     *cancellable,
                             GError          **error)
{
  g_autoptr(TernImapCommand) command = NULL;
  NamespaceData data = { self, { NULL, NULL, NULL } };
  GPtrArray **out[3] = { personal, other_users, shared };
  gboolean ok;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);

  if (!_tern_imap_session_check_state (self, FALSE, error) ||
      !_tern_imap_session_require (self, "NAMESPACE", _("namespaces"), error))
    return FALSE;

  command = tern_imap_command_new ("NAMESPACE");
  tern_imap_command_set_untagged_handler (command, namespace_untagged_cb, &data);
  ok = tern_imap_session_execute (self, command, cancellable, error);

  for (guint i = 0; i < 3; i++)
    {
      if (ok && data.lists[i] == NULL)
        data.lists[i] = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_imap_namespace_free);
      if (ok && out[i] != NULL)
        *out[i] = g_steal_pointer (&data.lists[i]);
      g_clear_pointer (&data.lists[i], g_ptr_array_unref);
    }
  return ok;
}

/* ---- LIST and STATUS -------------------------------------------------------------------- */

static char *
status_items_text (TernImapSession     *self,
                   TernImapStatusItems  items)
{
  static const struct { TernImapStatusItems item; const char *name; const char *capability; } names[] = {
    { TERN_IMAP_STATUS_ITEM_MESSAGES, "MESSAGES", NULL },
    { TERN_IMAP_STATUS_ITEM_RECENT, "RECENT", NULL },
    { TERN_IMAP_STATUS_ITEM_UIDNEXT, "UIDNEXT", NULL },
    { TERN_IMAP_STATUS_ITEM_UIDVALIDITY, "UIDVALIDITY", NULL },
    { TERN_IMAP_STATUS_ITEM_UNSEEN, "UNSEEN", NULL },
    { TERN_IMAP_STATUS_ITEM_HIGHESTMODSEQ, "HIGHESTMODSEQ", "CONDSTORE" },
    { TERN_IMAP_STATUS_ITEM_SIZE, "SIZE", "STATUS=SIZE" },
    { TERN_IMAP_STATUS_ITEM_DELETED, "DELETED", "IMAP4REV2" },
  };
  GString *out = g_string_new ("(");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      /* Items the server does not know are left out, not refused. */
      if (!(items & names[i].item) ||
          (names[i].capability != NULL && !tern_imap_session_has_capability (self, names[i].capability)))
        continue;
      if (out->len > 1)
        g_string_append_c (out, ' ');
      g_string_append (out, names[i].name);
    }
  if (out->len == 1)
    g_string_append (out, "MESSAGES");
  g_string_append_c (out, ')');
  return g_string_free (out, FALSE);
}

#define MAX_SKIPPED 100

typedef struct
{
  TernImapSession *session;
  GPtrArray       *mailboxes;
  GHashTable      *by_name;      /* encoded name -> TernImapMailbox (borrowed) */
  GPtrArray       *skipped;      /* GError: names that cannot be read */
  GError          *error;
} ListData;

static gboolean
list_untagged_cb (TernImapCommand  *command,
                  TernImapResponse *response,
                  gpointer          user_data)
{
  ListData *data = user_data;

  if (tern_imap_response_is (response, "LIST") || tern_imap_response_is (response, "LSUB") ||
      tern_imap_response_is (response, "XLIST"))
    {
      g_autoptr(GError) error = NULL;
      TernImapMailbox *mailbox;

      mailbox = tern_imap_mailbox_new_from_list (response, tern_imap_session_get_utf8_names (data->session), &error);
      /* One name that cannot be read (a NUL byte, broken modified UTF-7) is that
       * mailbox's problem, not the listing's. */
      if (mailbox == NULL && g_error_matches (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_INVALID_NAME))
        {
          g_debug ("LIST: skipped a mailbox: %s", error->message);
          if (data->skipped != NULL && data->skipped->len < MAX_SKIPPED)
            g_ptr_array_add (data->skipped, g_steal_pointer (&error));
          return TRUE;
        }
      if (mailbox == NULL)
        {
          if (data->error == NULL)
            data->error = g_steal_pointer (&error);
          return TRUE;
        }
      g_ptr_array_add (data->mailboxes, mailbox);
      g_hash_table_replace (data->by_name, mailbox->encoded_name, mailbox);
      return TRUE;
    }

  if (tern_imap_response_is (response, "STATUS"))
    {
      const char *name = tern_imap_value_get_astring (tern_imap_response_get_data_item (response, 0), NULL);
      TernImapMailbox *mailbox = name != NULL ? g_hash_table_lookup (data->by_name, name) : NULL;

      if (mailbox == NULL && name != NULL && g_ascii_strcasecmp (name, "INBOX") == 0)
        mailbox = g_hash_table_lookup (data->by_name, "INBOX");
      if (mailbox == NULL)
        return FALSE;
      tern_imap_mailbox_apply_status (mailbox, tern_imap_response_get_data_item (response, 1));
      return TRUE;
    }

  return FALSE;
}

/**
 * tern_imap_session_list:
 * @reference: the reference name ("" mostly)
 * @pattern: the pattern, with "*" and "%" wildcards, in UTF-8
 * @status_items: STATUS items to get for every mailbox: with LIST-STATUS (RFC 5819) in
 *   the same command, otherwise with STATUS commands sent in one pipeline
 *
 * LIST, with the RETURN options of LIST-EXTENDED (RFC 5258) where the server has them.
 * A mailbox whose name cannot be read (it holds a NUL byte, or is not valid modified
 * UTF-7 or UTF-8) is left out; tern_imap_session_list_full() tells which.
 *
 * Returns: (transfer full) (element-type TernImapMailbox): the mailboxes
 */
GPtrArray *
tern_imap_session_list (TernImapSession      *self,
                        const char           *reference,
                        const char           *pattern,
                        TernImapListFlags     flags,
                        TernImapStatusItems   status_items,
                        GCancellable         *cancellable,
                        GError              **error)
{
  return tern_imap_session_list_full (self, reference, pattern, flags, status_items, NULL, cancellable, error);
}

/**
 * tern_imap_session_list_full:
 * @skipped: (out) (optional) (transfer full) (element-type GError): set to the
 *   %TERN_IMAP_ERROR_INVALID_NAME errors of the mailboxes left out, each naming its
 *   mailbox as well as it can be read (at most 100)
 *
 * tern_imap_session_list(), saying which mailboxes it left out.
 */
GPtrArray *
tern_imap_session_list_full (TernImapSession      *self,
                             const char           *reference,
                             const char           *pattern,
                             TernImapListFlags     flags,
                             TernImapStatusItems   status_items,
                             GPtrArray           **skipped,
                             GCancellable         *cancellable,
                             GError              **error)
{
  g_autoptr(GPtrArray) skipped_errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_autoptr(TernImapCommand) command = NULL;
  g_autoptr(GPtrArray) mailboxes = NULL;
  g_autoptr(GHashTable) by_name = NULL;
  g_autofree char *items = NULL;
  gboolean extended, list_status;
  ListData data;
  GString *options;
  gboolean ok;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), NULL);
  g_return_val_if_fail (reference != NULL && pattern != NULL, NULL);

  if (!_tern_imap_session_check_state (self, FALSE, error))
    return NULL;
  if (!g_utf8_validate (reference, -1, NULL))
    return invalid_argument (error, _("mailbox name"), reference), NULL;
  if (!g_utf8_validate (pattern, -1, NULL))
    return invalid_argument (error, _("mailbox name"), pattern), NULL;

  extended = tern_imap_session_has_capability (self, "LIST-EXTENDED");
  list_status = status_items != 0 && tern_imap_session_has_capability (self, "LIST-STATUS");
  if (status_items != 0)
    items = status_items_text (self, status_items);

  command = tern_imap_command_new ((flags & TERN_IMAP_LIST_SUBSCRIBED) && !extended ? "LSUB" : "LIST");
  if ((flags & TERN_IMAP_LIST_SUBSCRIBED) && extended)
    tern_imap_command_add_atom (command, "(SUBSCRIBED)");
  if (reference[0] == '\0')
    tern_imap_command_add_atom (command, "\"\"");
  else
    tern_imap_command_add_mailbox (command, reference);
  if (pattern[0] == '\0')
    tern_imap_command_add_atom (command, "\"\"");
  else
    tern_imap_command_add_mailbox (command, pattern);

  options = g_string_new (NULL);
  if ((flags & TERN_IMAP_LIST_SPECIAL_USE) && extended && tern_imap_session_has_capability (self, "SPECIAL-USE"))
    g_string_append (options, "SPECIAL-USE");
  if (list_status)
    g_string_append_printf (options, "%sSTATUS %s", options->len > 0 ? " " : "", items);
  if (options->len > 0)
    {
      g_autofree char *text = g_strdup_printf ("RETURN (%s)", options->str);

      tern_imap_command_add_atom (command, text);
    }
  g_string_free (options, TRUE);

  mailboxes = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_imap_mailbox_free);
  by_name = g_hash_table_new (g_str_hash, g_str_equal);
  data = (ListData) { self, mailboxes, by_name, skipped_errors, NULL };
  tern_imap_command_set_untagged_handler (command, list_untagged_cb, &data);
  ok = tern_imap_session_execute (self, command, cancellable, error);
  if (ok && data.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&data.error));
      ok = FALSE;
    }
  g_clear_error (&data.error);
  if (!ok)
    return NULL;

  /* No LIST-STATUS: one STATUS per selectable mailbox, all in one pipeline. */
  if (status_items != 0 && !list_status)
    {
      g_autoptr(GPtrArray) commands = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_imap_command_unref);

      for (guint i = 0; i < mailboxes->len; i++)
        {
          TernImapMailbox *mailbox = g_ptr_array_index (mailboxes, i);
          TernImapCommand *status;

          if (mailbox->flags & TERN_IMAP_MAILBOX_NOSELECT)
            continue;
          status = tern_imap_command_new ("STATUS");
          tern_imap_command_add_mailbox (status, mailbox->name);
          tern_imap_command_add_atom (status, items);
          tern_imap_command_set_untagged_handler (status, list_untagged_cb, &data);
          g_ptr_array_add (commands, status);
          if (!tern_imap_session_submit (self, status, cancellable, error))
            return NULL;
        }
      for (guint i = 0; i < commands->len; i++)
        {
          g_autoptr(GError) local_error = NULL;

          /* A mailbox that vanished meanwhile just has no status. */
          if (!tern_imap_session_wait (self, g_ptr_array_index (commands, i), cancellable, &local_error) &&
              !g_error_matches (local_error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_NO))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
        }
    }

  if (skipped != NULL)
    *skipped = g_steal_pointer (&skipped_errors);
  return g_steal_pointer (&mailboxes);
}

/**
 * tern_imap_session_status:
 * @mailbox: a mailbox name in UTF-8
 *
 * Returns: (transfer full) (nullable): the mailbox's status; its status_items tell
 *   which items the server knows
 */
TernImapMailbox *
tern_imap_session_status (TernImapSession      *self,
                          const char           *mailbox,
                          TernImapStatusItems   items,
                          GCancellable         *cancellable,
                          GError              **error)
{
  g_autoptr(TernImapCommand) command = NULL;
  g_autoptr(GPtrArray) mailboxes = NULL;
  g_autoptr(GHashTable) by_name = NULL;
  g_autoptr(TernImapMailbox) result = NULL;
  g_autofree char *text = NULL;
  ListData data;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), NULL);

  if (!_tern_imap_session_check_state (self, FALSE, error) || !check_mailbox (mailbox, error))
    return NULL;

  result = tern_imap_mailbox_new (mailbox);
  result->encoded_name = tern_imap_mailbox_encode_name (mailbox, tern_imap_session_get_utf8_names (self));
  mailboxes = g_ptr_array_new ();
  by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (by_name, result->encoded_name, result);
  data = (ListData) { self, mailboxes, by_name, NULL };

  text = status_items_text (self, items);
  command = tern_imap_command_new ("STATUS");
  tern_imap_command_add_mailbox (command, mailbox);
  tern_imap_command_add_atom (command, text);
  tern_imap_command_set_untagged_handler (command, list_untagged_cb, &data);
  if (!tern_imap_session_execute (self, command, cancellable, error))
    return NULL;

  return g_steal_pointer (&result);
}

/* ---- SELECT --------------------------------------------------------------------------- */

/**
 * tern_imap_session_select:
 * @mailbox: a mailbox name in UTF-8
 * @qresync: (nullable): what the client knows, for QRESYNC (enabled here if needed)
 *
 * SELECT (or EXAMINE with %TERN_IMAP_SELECT_READ_ONLY). Afterwards the getters
 * (tern_imap_session_get_exists(), _get_uidvalidity(), ...) describe the mailbox.
 * With @qresync, the changes since come as "vanished" and "fetch" signals during the
 * call.
 */
gboolean
tern_imap_session_select (TernImapSession        *self,
                          const char             *mailbox,
                          TernImapSelectFlags     flags,
                          const TernImapQresync  *qresync,
                          GCancellable           *cancellable,
                          GError                **error)
{
  g_autoptr(TernImapCommand) command = NULL;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);

  if (!_tern_imap_session_check_state (self, FALSE, error) || !check_mailbox (mailbox, error))
    return FALSE;

  if (qresync != NULL)
    {
      if (!_tern_imap_session_require (self, "QRESYNC", _("quick resynchronization"), error))
        return FALSE;
      if (qresync->known_uids != NULL && !check_uid_set (qresync->known_uids, error))
        return FALSE;
      if (!tern_imap_session_is_enabled (self, "QRESYNC"))
        {
          const char *const qresync_cap[] = { "QRESYNC", NULL };

          if (!tern_imap_session_enable (self, qresync_cap, cancellable, error))
            return FALSE;
        }
    }
  else if ((flags & TERN_IMAP_SELECT_CONDSTORE) &&
           !_tern_imap_session_require (self, "CONDSTORE", _("mod-sequences"), error))
    return FALSE;

  command = tern_imap_command_new ((flags & TERN_IMAP_SELECT_READ_ONLY) ? "EXAMINE" : "SELECT");
  tern_imap_command_add_mailbox (command, mailbox);
  if (qresync != NULL)
    {
      g_autofree char *text = g_strdup_printf ("(QRESYNC (%u %" G_GUINT64_FORMAT "%s%s))",
                                               qresync->uidvalidity, qresync->modseq,
                                               qresync->known_uids ? " " : "",
                                               qresync->known_uids ? qresync->known_uids : "");

      tern_imap_command_add_atom (command, text);
    }
  else if (flags & TERN_IMAP_SELECT_CONDSTORE)
    tern_imap_command_add_atom (command, "(CONDSTORE)");

  /* Whatever was selected is not any more, whether this works or not. */
  _tern_imap_session_set_selected (self, NULL, FALSE);
  if (!tern_imap_session_execute (self, command, cancellable, error))
    {
      _tern_imap_session_set_selected (self, NULL, FALSE);
      return FALSE;
    }

  _tern_imap_session_set_selected (self, mailbox, TRUE);
  if (flags & TERN_IMAP_SELECT_READ_ONLY)
    self->read_only = TRUE;
  return TRUE;
}

/**
 * tern_imap_session_unselect:
 *
 * UNSELECT (RFC 3691): leaves the mailbox without expunging anything.
 */
gboolean
tern_imap_session_unselect (TernImapSession  *self,
                            GCancellable     *cancellable,
                            GError          **error)
{
  g_autoptr(TernImapCommand) command = NULL;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);

  if (!_tern_imap_session_check_state (self, TRUE, error))
    return FALSE;

  /* CLOSE would expunge deleted messages of a read-write mailbox: only when read-only. */
  if (!self->read_only && !_tern_imap_session_require (self, "UNSELECT", _("leaving a mailbox"), error))
    return FALSE;

  command = tern_imap_command_new (tern_imap_session_has_capability (self, "UNSELECT") ? "UNSELECT" : "CLOSE");
  if (!tern_imap_session_execute (self, command, cancellable, error))
    return FALSE;
  _tern_imap_session_set_selected (self, NULL, FALSE);
  return TRUE;
}

/* ---- CREATE, RENAME, DELETE ------------------------------------------------------------ */

gboolean
tern_imap_session_create (TernImapSession  *self,
                          const char       *mailbox,
                          GCancellable     *cancellable,
                          GError          **error)
{
  g_autoptr(TernImapCommand) command = NULL;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);

  if (!_tern_imap_session_check_state (self, FALSE, error) || !check_mailbox (mailbox, error))
    return FALSE;

  command = tern_imap_command_new ("CREATE");
  tern_imap_command_add_mailbox (command, mailbox);
  return tern_imap_session_execute (self, command, cancellable, error);
}

gboolean
tern_imap_session_rename (TernImapSession  *self,
                          const char       *mailbox,
                          const char       *new_name,
                          GCancellable     *cancellable,
                          GError          **error)
{
  g_autoptr(TernImapCommand) command = NULL;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);

  if (!_tern_imap_session_check_state (self, FALSE, error) || !check_mailbox (mailbox, error) ||
      !check_mailbox (new_name, error))
    return FALSE;

  command = tern_imap_command_new ("RENAME");
  tern_imap_command_add_mailbox (command, mailbox);
  tern_imap_command_add_mailbox (command, new_name);
  return tern_imap_session_execute (self, command, cancellable, error);
}

gboolean
tern_imap_session_delete (TernImapSession  *self,
                          const char       *mailbox,
                          GCancellable     *cancellable,
                          GError          **error)
{
  g_autoptr(TernImapCommand) command = NULL;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);

  if (!_tern_imap_session_check_state (self, FALSE, error) || !check_mailbox (mailbox, error))
    return FALSE;

  command = tern_imap_command_new ("DELETE");
  tern_imap_command_add_mailbox (command, mailbox);
  return tern_imap_session_execute (self, command, cancellable, error);
}

static gboolean
subscription (TernImapSession *self, const char *verb, const char *mailbox, GCancellable *cancellable, GError **error)
{
  g_autoptr(TernImapCommand) command = NULL;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);

  if (!_tern_imap_session_check_state (self, FALSE, error) || !check_mailbox (mailbox, error))
    return FALSE;

  command = tern_imap_command_new (verb);
  tern_imap_command_add_mailbox (command, mailbox);
  return tern_imap_session_execute (self, command, cancellable, error);
}

/* SUBSCRIBE (RFC 3501 6.3.6) */
gboolean
tern_imap_session_subscribe (TernImapSession  *self,
                             const char       *mailbox,
                             GCancellable     *cancellable,
                             GError          **error)
{
  return subscription (self, "SUBSCRIBE", mailbox, cancellable, error);
}

/* UNSUBSCRIBE (RFC 3501 6.3.7) */
gboolean
tern_imap_session_unsubscribe (TernImapSession  *self,
                               const char       *mailbox,
                               GCancellable     *cancellable,
                               GError          **error)
{
  return subscription (self, "UNSUBSCRIBE", mailbox, cancellable, error);
}

/* ---- FETCH and STORE ------------------------------------------------------------------- */

typedef struct
{
  TernImapSession   *session;
  TernImapFetchFunc  func;
  gpointer           user_data;
} FetchData;

static gboolean
fetch_untagged_cb (TernImapCommand  *command,
                   TernImapResponse *response,
                   gpointer          user_data)
{
  FetchData *data = user_data;

  if (!tern_imap_response_is (response, "FETCH"))
    return FALSE;
  data->func (data->session, response, data->user_data);
  return TRUE;
}

/**
 * tern_imap_session_uid_fetch:
 * @uid_set: UIDs as a sequence set: "1:*", "4,7:9"
 * @items: the items, such as "(UID FLAGS MODSEQ ENVELOPE BODYSTRUCTURE BODY.PEEK[])"
 * @changed_since: with CONDSTORE, only messages changed after this mod-sequence (0:
 *   all); with QRESYNC enabled, expunged UIDs then come as the "vanished" signal
 * @func: (scope call): gets each FETCH response, bodies included, as it arrives; the
 *   response's memory is reused after @func returns, so a stream of any number of
 *   messages takes the memory of one
 *
 * UID FETCH. Message sections (`BODY[...]`) are read straight into their own buffer,
 * which tern_imap_response_dup_fetch_section() returns without a copy.
 */
gboolean
tern_imap_session_uid_fetch (TernImapSession    *self,
                             const char         *uid_set,
                             const char         *items,
                             guint64             changed_since,
                             TernImapFetchFunc   func,
                             gpointer            user_data,
                             GCancellable       *cancellable,
                             GError            **error)
{
  g_autoptr(TernImapCommand) command = NULL;
  FetchData data = { self, func, user_data };

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (!_tern_imap_session_check_state (self, TRUE, error) || !check_uid_set (uid_set, error))
    return FALSE;
  if (items == NULL || items[0] == '\0' || strpbrk (items, "\r\n") != NULL)
    return invalid_argument (error, _("list of FETCH items"), items);
  if (changed_since > 0 && !_tern_imap_session_require (self, "CONDSTORE", _("mod-sequences"), error))
    return FALSE;

  command = tern_imap_command_new ("UID FETCH");
  tern_imap_command_add_atom (command, uid_set);
  tern_imap_command_add_atom (command, items);
  if (changed_since > 0)
    {
      g_autofree char *modifier =
        g_strdup_printf ("(CHANGEDSINCE %" G_GUINT64_FORMAT "%s)", changed_since,
                         tern_imap_session_is_enabled (self, "QRESYNC") ? " VANISHED" : "");

      tern_imap_command_add_atom (command, modifier);
    }
  tern_imap_command_set_untagged_handler (command, fetch_untagged_cb, &data);
  return tern_imap_session_execute (self, command, cancellable, error);
}

static const char *
store_operation (TernImapStoreMode mode,
                 gboolean          silent)
{
  switch (mode)
    {
    case TERN_IMAP_STORE_ADD:
      return silent ? "+FLAGS.SILENT" : "+FLAGS";
    case TERN_IMAP_STORE_REMOVE:
      return silent ? "-FLAGS.SILENT" : "-FLAGS";
    case TERN_IMAP_STORE_REPLACE:
    default:
      return silent ? "FLAGS.SILENT" : "FLAGS";
    }
}

static TernImapCommand *
store_command (const char         *uid_set,
               TernImapStoreMode   mode,
               const char         *flags,
               guint64             unchanged_since,
               gboolean            silent)
{
  TernImapCommand *command = tern_imap_command_new ("UID STORE");

  tern_imap_command_add_atom (command, uid_set);
  if (unchanged_since > 0)
    {
      g_autofree char *modifier = g_strdup_printf ("(UNCHANGEDSINCE %" G_GUINT64_FORMAT ")", unchanged_since);

      tern_imap_command_add_atom (command, modifier);
    }
  tern_imap_command_add_atom (command, store_operation (mode, silent));
  tern_imap_command_add_atom (command, flags);
  return command;
}

/**
 * tern_imap_session_uid_store:
 * @flags: flags and keywords: "\\Seen", "$Junk", ...
 * @unchanged_since: with CONDSTORE, change only messages whose mod-sequence is not
 *   above this (0: no condition)
 * @modified: (out) (optional) (nullable) (transfer full): the UIDs not changed because of
 *   @unchanged_since ([MODIFIED]), or %NULL
 *
 * UID STORE. The new flags (and MODSEQ) come back as "fetch" signals.
 */
gboolean
tern_imap_session_uid_store (TernImapSession     *self,
                             const char          *uid_set,
                             TernImapStoreMode    mode,
                             const char * const  *flags,
                             guint64              unchanged_since,
                             TernImapUidSet     **modified,
                             GCancellable        *cancellable,
                             GError             **error)
{
  g_autoptr(TernImapCommand) command = NULL;
  g_autofree char *list = NULL;
  TernImapResponse *completion;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);

  if (modified != NULL)
    *modified = NULL;
  if (!_tern_imap_session_check_state (self, TRUE, error) || !check_uid_set (uid_set, error))
    return FALSE;
  if ((list = flag_list (flags, error)) == NULL)
    return FALSE;
  if (unchanged_since > 0 && !_tern_imap_session_require (self, "CONDSTORE", _("conditional changes"), error))
    return FALSE;

  command = store_command (uid_set, mode, list, unchanged_since, FALSE);
  if (!tern_imap_session_execute (self, command, cancellable, error))
    return FALSE;

  completion = tern_imap_command_get_completion (command);
  if (modified != NULL && g_strcmp0 (tern_imap_response_get_code_name (completion), "MODIFIED") == 0)
    *modified = tern_imap_uid_set_new_from_value (tern_imap_response_get_code_arg (completion, 0));
  return TRUE;
}

/* ---- COPY, MOVE, EXPUNGE ------------------------------------------------------------- */

typedef struct
{
  guint32          uidvalidity;
  TernImapUidSet  *source;
  TernImapUidSet  *destination;
} CopyUid;

static void
copy_uid_clear (CopyUid *copy_uid)
{
  g_clear_pointer (&copy_uid->source, tern_imap_uid_set_unref);
  g_clear_pointer (&copy_uid->destination, tern_imap_uid_set_unref);
}

/* [COPYUID uidvalidity source-set destination-set] (RFC 4315) */
static gboolean
parse_copy_uid (TernImapResponse *response,
                CopyUid          *out)
{
  guint32 uidvalidity;
  TernImapUidSet *source, *destination;

  if (g_strcmp0 (tern_imap_response_get_code_name (response), "COPYUID") != 0 ||
      !tern_imap_value_get_uint32 (tern_imap_response_get_code_arg (response, 0), &uidvalidity))
    return FALSE;

  source = tern_imap_uid_set_new_from_value (tern_imap_response_get_code_arg (response, 1));
  destination = tern_imap_uid_set_new_from_value (tern_imap_response_get_code_arg (response, 2));
  if (source == NULL || destination == NULL)
    {
      g_clear_pointer (&source, tern_imap_uid_set_unref);
      g_clear_pointer (&destination, tern_imap_uid_set_unref);
      return FALSE;
    }

  copy_uid_clear (out);
  out->uidvalidity = uidvalidity;
  out->source = source;
  out->destination = destination;
  return TRUE;
}

/* MOVE reports COPYUID in an untagged OK, before its EXPUNGEs (RFC 6851). */
static gboolean
copy_uid_untagged_cb (TernImapCommand  *command,
                      TernImapResponse *response,
                      gpointer          user_data)
{
  return tern_imap_response_get_status (response) == TERN_IMAP_STATUS_OK && parse_copy_uid (response, user_data);
}

static gboolean
copy_or_move (TernImapSession   *self,
              const char        *name,
              const char        *uid_set,
              const char        *mailbox,
              CopyUid           *copy_uid,
              GCancellable      *cancellable,
              GError           **error)
{
  g_autoptr(TernImapCommand) command = tern_imap_command_new (name);

  tern_imap_command_add_atom (command, uid_set);
  tern_imap_command_add_mailbox (command, mailbox);
  tern_imap_command_set_untagged_handler (command, copy_uid_untagged_cb, copy_uid);
  if (!tern_imap_session_execute (self, command, cancellable, error))
    {
      /* A MOVE cut after its untagged COPYUID: what it said is of no use. */
      copy_uid_clear (copy_uid);
      return FALSE;
    }
  parse_copy_uid (tern_imap_command_get_completion (command), copy_uid);
  return TRUE;
}

static void
give_copy_uid (CopyUid          *copy_uid,
               guint32          *uidvalidity,
               TernImapUidSet  **source_uids,
               TernImapUidSet  **destination_uids)
{
  if (uidvalidity != NULL)
    *uidvalidity = copy_uid->uidvalidity;
  if (source_uids != NULL)
    *source_uids = g_steal_pointer (&copy_uid->source);
  if (destination_uids != NULL)
    *destination_uids = g_steal_pointer (&copy_uid->destination);
  copy_uid_clear (copy_uid);
}

/**
 * tern_imap_session_uid_copy:
 * @uidvalidity: (out) (optional): the destination's UIDVALIDITY, from [COPYUID]; 0 when
 *   the server does not say (no UIDPLUS)
 * @source_uids: (out) (optional) (nullable) (transfer full): the copied UIDs
 * @destination_uids: (out) (optional) (nullable) (transfer full): their new UIDs, in the
 *   same order
 *
 * UID COPY.
 */
gboolean
tern_imap_session_uid_copy (TernImapSession   *self,
                            const char        *uid_set,
                            const char        *mailbox,
                            guint32           *uidvalidity,
                            TernImapUidSet   **source_uids,
                            TernImapUidSet   **destination_uids,
                            GCancellable      *cancellable,
                            GError           **error)
{
  CopyUid copy_uid = { 0, NULL, NULL };

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);

  give_copy_uid (&copy_uid, uidvalidity, source_uids, destination_uids);
  if (!_tern_imap_session_check_state (self, TRUE, error) || !check_uid_set (uid_set, error) ||
      !check_mailbox (mailbox, error))
    return FALSE;

  if (!copy_or_move (self, "UID COPY", uid_set, mailbox, &copy_uid, cancellable, error))
    return FALSE;
  give_copy_uid (&copy_uid, uidvalidity, source_uids, destination_uids);
  return TRUE;
}

/**
 * tern_imap_session_uid_move:
 *
 * UID MOVE (RFC 6851). Without MOVE: UID COPY, and only once that succeeded, UID STORE
 * +FLAGS.SILENT (\Deleted) and UID EXPUNGE (RFC 4315) of exactly those UIDs, the two in
 * one pipeline. Without UIDPLUS that could expunge other deleted messages, so the
 * fallback then fails with %TERN_IMAP_ERROR_UNSUPPORTED. The out arguments are as for
 * tern_imap_session_uid_copy().
 */
gboolean
tern_imap_session_uid_move (TernImapSession   *self,
                            const char        *uid_set,
                            const char        *mailbox,
                            guint32           *uidvalidity,
                            TernImapUidSet   **source_uids,
                            TernImapUidSet   **destination_uids,
                            GCancellable      *cancellable,
                            GError           **error)
{
  g_autoptr(TernImapCommand) store = NULL;
  g_autoptr(TernImapCommand) expunge = NULL;
  CopyUid copy_uid = { 0, NULL, NULL };

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);

  give_copy_uid (&copy_uid, uidvalidity, source_uids, destination_uids);
  if (!_tern_imap_session_check_state (self, TRUE, error) || !check_uid_set (uid_set, error) ||
      !check_mailbox (mailbox, error))
    return FALSE;

  if (tern_imap_session_has_capability (self, "MOVE"))
    {
      if (!copy_or_move (self, "UID MOVE", uid_set, mailbox, &copy_uid, cancellable, error))
        return FALSE;
      give_copy_uid (&copy_uid, uidvalidity, source_uids, destination_uids);
      return TRUE;
    }

  if (!_tern_imap_session_require (self, "UIDPLUS", _("moving messages safely without MOVE"), error))
    return FALSE;

  /* Never pipelined with the COPY: if it fails, nothing may be deleted. */
  if (!copy_or_move (self, "UID COPY", uid_set, mailbox, &copy_uid, cancellable, error))
    return FALSE;

  store = store_command (uid_set, TERN_IMAP_STORE_ADD, "(\\Deleted)", 0, TRUE);
  expunge = tern_imap_command_new ("UID EXPUNGE");
  tern_imap_command_add_atom (expunge, uid_set);
  if (!tern_imap_session_submit (self, store, cancellable, error) ||
      !tern_imap_session_submit (self, expunge, cancellable, error) ||
      !tern_imap_session_wait (self, store, cancellable, error) ||
      !tern_imap_session_wait (self, expunge, cancellable, error))
    {
      copy_uid_clear (&copy_uid);
      return FALSE;
    }

  give_copy_uid (&copy_uid, uidvalidity, source_uids, destination_uids);
  return TRUE;
}

/**
 * tern_imap_session_uid_expunge:
 *
 * UID EXPUNGE (RFC 4315): expunges only those of @uid_set that are \Deleted.
 */
gboolean
tern_imap_session_uid_expunge (TernImapSession  *self,
                               const char       *uid_set,
                               GCancellable     *cancellable,
                               GError          **error)
{
  g_autoptr(TernImapCommand) command = NULL;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);

  if (!_tern_imap_session_check_state (self, TRUE, error) || !check_uid_set (uid_set, error) ||
      !_tern_imap_session_require (self, "UIDPLUS", _("expunging chosen messages"), error))
    return FALSE;

  command = tern_imap_command_new ("UID EXPUNGE");
  tern_imap_command_add_atom (command, uid_set);
  return tern_imap_session_execute (self, command, cancellable, error);
}

/* ---- SEARCH ------------------------------------------------------------------------------ */

#define MAX_SEARCH_RESULTS (16 * 1024 * 1024)

static gboolean
search_untagged_cb (TernImapCommand  *command,
                    TernImapResponse *response,
                    gpointer          user_data)
{
  GArray *uids = user_data;

  if (tern_imap_response_is (response, "SEARCH"))
    {
      for (const TernImapValue *v = tern_imap_response_get_data (response)->children; v != NULL; v = v->next)
        {
          guint32 uid;

          if (tern_imap_value_get_uint32 (v, &uid) && uids->len < MAX_SEARCH_RESULTS)
            g_array_append_val (uids, uid);
        }
      return TRUE;
    }

  /* IMAP4rev2 servers answer with ESEARCH: (TAG "x") UID ALL 1:5,9 */
  if (tern_imap_response_is (response, "ESEARCH"))
    {
      for (const TernImapValue *v = tern_imap_response_get_data (response)->children; v != NULL; v = v->next)
        {
          if (tern_imap_value_is_atom (v, "ALL") && v->next != NULL)
            {
              g_autoptr(TernImapUidSet) set = tern_imap_uid_set_new_from_value (v->next);
              g_autoptr(GArray) all = set ? tern_imap_uid_set_to_array (set, MAX_SEARCH_RESULTS - uids->len) : NULL;

              if (all != NULL)
                g_array_append_vals (uids, all->data, all->len);
            }
        }
      return TRUE;
    }

  return FALSE;
}

/**
 * tern_imap_session_uid_search:
 * @criteria: search criteria in IMAP syntax, such as "UNSEEN" or "SINCE 1-Jan-2026"
 *
 * Returns: (transfer full) (element-type guint32): the matching UIDs (at most 16 Mi)
 */
GArray *
tern_imap_session_uid_search (TernImapSession  *self,
                              const char       *criteria,
                              GCancellable     *cancellable,
                              GError          **error)
{
  g_autoptr(TernImapCommand) command = NULL;
  g_autoptr(GArray) uids = NULL;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), NULL);

  if (!_tern_imap_session_check_state (self, TRUE, error))
    return NULL;
  if (criteria == NULL || criteria[0] == '\0' || strpbrk (criteria, "\r\n") != NULL)
    return invalid_argument (error, _("search"), criteria), NULL;

  uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  command = tern_imap_command_new ("UID SEARCH");
  tern_imap_command_add_atom (command, criteria);
  tern_imap_command_set_untagged_handler (command, search_untagged_cb, uids);
  if (!tern_imap_session_execute (self, command, cancellable, error))
    return NULL;
  return g_steal_pointer (&uids);
}

static void
uid_list_cb (TernImapSession  *session,
             TernImapResponse *response,
             gpointer          user_data)
{
  GArray *uids = user_data;
  guint32 uid;

  if (tern_imap_response_get_fetch_uid (response, &uid) && uids->len < MAX_SEARCH_RESULTS)
    g_array_append_val (uids, uid);
}

/**
 * tern_imap_session_uid_list:
 * @uid_set: UIDs as a sequence set, such as "1:*" or "500:*" (which, as in IMAP, also
 *   matches the highest UID when that is below 500)
 *
 * The UIDs of the selected mailbox's messages in @uid_set, asked with UID FETCH
 * @uid_set (UID): the answer comes one line per message. UID SEARCH answers in one
 * line for all of them, longer than the line limit in a mailbox of about 170,000
 * messages (and so does ESEARCH's compact form when the UIDs are scattered).
 *
 * Returns: (transfer full) (element-type guint32): the UIDs, in the server's order (at
 *   most 16 Mi)
 */
GArray *
tern_imap_session_uid_list (TernImapSession  *self,
                            const char       *uid_set,
                            GCancellable     *cancellable,
                            GError          **error)
{
  g_autoptr(GArray) uids = NULL;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), NULL);

  if (!_tern_imap_session_check_state (self, TRUE, error) || !check_uid_set (uid_set, error))
    return NULL;

  uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  /* "1:*" in an empty mailbox is an error to some servers. */
  if (tern_imap_session_get_exists (self) == 0)
    return g_steal_pointer (&uids);
  if (!tern_imap_session_uid_fetch (self, uid_set, "(UID)", 0, uid_list_cb, uids,
                                    cancellable, error))
    return NULL;
  return g_steal_pointer (&uids);
}

/* ---- APPEND -------------------------------------------------------------------------------- */

/* "17-Jul-1996 02:44:25 -0700", with English month names whatever the locale. */
static char *
format_date_time (GDateTime *date)
{
  static const char *const months[] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };
  GTimeSpan offset = g_date_time_get_utc_offset (date) / G_TIME_SPAN_MINUTE;
  int minutes = (int) ABS (offset);

  return g_strdup_printf ("\"%02d-%s-%04d %02d:%02d:%02d %c%02d%02d\"",
                          g_date_time_get_day_of_month (date), months[g_date_time_get_month (date) - 1],
                          g_date_time_get_year (date), g_date_time_get_hour (date),
                          g_date_time_get_minute (date), g_date_time_get_second (date),
                          offset < 0 ? '-' : '+', minutes / 60, minutes % 60);
}

/**
 * tern_imap_session_append:
 * @mailbox: a mailbox name in UTF-8
 * @flags: (nullable): flags for the new message
 * @internal_date: (nullable): its INTERNALDATE
 * @message: the message (CRLF line ends)
 * @uidvalidity: (out) (optional): the mailbox's UIDVALIDITY from [APPENDUID], or 0
 * @uid: (out) (optional): the new message's UID from [APPENDUID], or 0
 *
 * APPEND; the message goes as a literal (LITERAL+ when the server has it).
 */
gboolean
tern_imap_session_append (TernImapSession     *self,
                          const char          *mailbox,
                          const char * const  *flags,
                          GDateTime           *internal_date,
                          GBytes              *message,
                          guint32             *uidvalidity,
                          guint32             *uid,
                          GCancellable        *cancellable,
                          GError             **error)
{
  g_autoptr(TernImapCommand) command = NULL;
  TernImapResponse *completion;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);

  if (uidvalidity != NULL)
    *uidvalidity = 0;
  if (uid != NULL)
    *uid = 0;
  if (!_tern_imap_session_check_state (self, FALSE, error) || !check_mailbox (mailbox, error))
    return FALSE;

  command = tern_imap_command_new ("APPEND");
  tern_imap_command_add_mailbox (command, mailbox);
  if (flags != NULL && flags[0] != NULL)
    {
      g_autofree char *list = flag_list (flags, error);

      if (list == NULL)
        return FALSE;
      tern_imap_command_add_atom (command, list);
    }
  if (internal_date != NULL)
    {
      g_autofree char *date = format_date_time (internal_date);

      tern_imap_command_add_atom (command, date);
    }
  tern_imap_command_add_literal (command, message);
  if (!tern_imap_session_execute (self, command, cancellable, error))
    return FALSE;

  completion = tern_imap_command_get_completion (command);
  if (g_strcmp0 (tern_imap_response_get_code_name (completion), "APPENDUID") == 0)
    {
      if (uidvalidity != NULL)
        tern_imap_value_get_uint32 (tern_imap_response_get_code_arg (completion, 0), uidvalidity);
      if (uid != NULL)
        tern_imap_value_get_uint32 (tern_imap_response_get_code_arg (completion, 1), uid);
    }
  return TRUE;
}
