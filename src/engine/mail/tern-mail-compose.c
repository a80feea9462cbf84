/* tern-mail-compose.c: what a composer asks of the engine besides the operations:
 * replies and forwards of stored messages, drafts opened again, one's own addresses,
 * address completion, the outgoing server's size limit
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything runs on workers: a reply is built from the message's bytes (fetched from
 * the server when only its header is stored) on a store worker, completion filters a
 * list of correspondents read once from the store (and read again after
 * tern_mail_forget_correspondents(), or after a minute), and the size limit comes
 * from the server's EHLO (RFC 1870 SIZE), asked once per account on a connection of
 * its own without logging in.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-account-sessions.h"
#include "tern-mail-private.h"
#include "tern-outbox-error.h"
#include "tern-store-db-correspondents.h"

#define CORRESPONDENTS_TTL (60 * G_USEC_PER_SEC)

/* ---- per-TernMail state kept here ---------------------------------------------------- */

typedef struct
{
  GMutex      lock;
  GStrv       identities;       /* the front end's extra addresses */
  GPtrArray  *correspondents;   /* TernStoreCorrespondent, completion order; NULL: read them */
  gint64      read_at;
  GHashTable *size_limits;      /* account address -> guint64 (boxed) */
} ComposeState;

static void
compose_state_free (ComposeState *state)
{
  g_mutex_clear (&state->lock);
  g_strfreev (state->identities);
  g_clear_pointer (&state->correspondents, g_ptr_array_unref);
  g_clear_pointer (&state->size_limits, g_hash_table_unref);
  g_free (state);
}

static ComposeState *
get_state (TernMail *self)
{
  static GQuark quark;
  ComposeState *state;

  if (quark == 0)
    quark = g_quark_from_static_string ("tern-mail-compose");
  state = g_object_get_qdata (G_OBJECT (self), quark);
  if (state == NULL)
    {
      state = g_new0 (ComposeState, 1);
      g_mutex_init (&state->lock);
      state->size_limits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_object_set_qdata_full (G_OBJECT (self), quark, state, (GDestroyNotify) compose_state_free);
    }
  return state;
}

/* ---- one's own addresses ------------------------------------------------------------------ */

/**
 * tern_mail_set_identities:
 * @addresses: (array zero-terminated=1) (nullable): the addresses one sends from besides
 *   the accounts' own (the front end's identities)
 *
 * One's own addresses: never recipients of a Reply All, and the sender of a reply to a
 * message sent to one of them.
 */
void
tern_mail_set_identities (TernMail *self, const char * const *addresses)
{
  ComposeState *state;

  g_return_if_fail (TERN_IS_MAIL (self));
  state = get_state (self);
  g_mutex_lock (&state->lock);
  g_strfreev (state->identities);
  state->identities = g_strdupv ((char **) addresses);
  g_mutex_unlock (&state->lock);
}

/**
 * tern_mail_dup_own_addresses:
 *
 * Returns: (transfer full) (array zero-terminated=1): every account's address and
 *   every identity's
 */
char **
tern_mail_dup_own_addresses (TernMail *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GListModel *accounts;
  ComposeState *state;

  g_return_val_if_fail (TERN_IS_MAIL (self), NULL);
  accounts = tern_mail_get_accounts (self);
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (accounts, i);
      g_strv_builder_add (builder, tern_mail_account_get_email (account));
    }
  state = get_state (self);
  g_mutex_lock (&state->lock);
  if (state->identities != NULL)
    g_strv_builder_addv (builder, (const char **) state->identities);
  g_mutex_unlock (&state->lock);
  return g_strv_builder_end (builder);
}

/* ---- replies, forwards and drafts of stored messages --------------------------------------- */

typedef struct
{
  gint64               message_id;
  gboolean             draft;       /* open a draft rather than reply */
  TernOutboxReplyKind  kind;
  GStrv                own;
  GBytes              *raw;
} Compose;

static void
compose_free (Compose *compose)
{
  g_strfreev (compose->own);
  g_clear_pointer (&compose->raw, g_bytes_unref);
  g_free (compose);
}

static gpointer
compose_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  Compose *compose = data;
  g_autoptr(TernOutboxComposition) c = NULL;
  g_autoptr(TernStoreMessage) message = NULL;
  g_autoptr(TernStoreFolder) folder = NULL;

  if (compose->draft)
    c = tern_outbox_composition_new_from_message (compose->raw, error);
  else
    c = tern_outbox_composition_new_reply (compose->raw, compose->kind, (const char * const *) compose->own, error);
  if (c == NULL)
    return NULL;
  /* The sender: the identity the message was sent to, else its account. */
  if (!compose->draft && c->from == NULL && (message = tern_store_db_get_message (db, compose->message_id, NULL)) &&
      (folder = tern_store_db_get_folder (db, tern_store_message_get_folder_id (message), NULL)) != NULL)
    c->from = g_strdup (tern_store_folder_get_account (folder));
  return g_steal_pointer (&c);
}

static void
compose_built_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  TernOutboxComposition *c = tern_store_run_finish (TERN_STORE (source), result, &error);

  if (c == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, c, (GDestroyNotify) tern_outbox_composition_free);
}

static void
compose_body_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Compose *compose = g_task_get_task_data (task);
  GError *error = NULL;

  compose->raw = tern_mail_fetch_body_finish (TERN_MAIL (source), result, &error);
  if (compose->raw == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* The task keeps the data; the worker borrows it. */
  tern_store_run_async (tern_mail_get_store (TERN_MAIL (source)), compose_work, compose, NULL,
                        (GDestroyNotify) tern_outbox_composition_free, g_task_get_cancellable (task),
                        compose_built_cb, g_object_ref (task));
}

static void
start_compose (TernMail *self, Compose *compose, gpointer tag, GCancellable *cancellable,
               GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, compose, (GDestroyNotify) compose_free);
  tern_mail_fetch_body_async (self, compose->message_id, cancellable, compose_body_cb, task);
}

/**
 * tern_mail_compose_reply_async:
 * @message_id: the message replied to or forwarded
 *
 * Builds a reply or forward of a stored message (tern_outbox_composition_new_reply())
 * on a worker, its body fetched from the server when only its header is stored. Its
 * @from is the identity the message was sent to, else the address of the account it
 * is in. Completes with tern_mail_compose_finish().
 */
void
tern_mail_compose_reply_async (TernMail *self, gint64 message_id, TernOutboxReplyKind kind,
                               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Compose *compose = g_new0 (Compose, 1);

  g_return_if_fail (TERN_IS_MAIL (self));
  compose->message_id = message_id;
  compose->kind = kind;
  compose->own = tern_mail_dup_own_addresses (self);
  start_compose (self, compose, tern_mail_compose_reply_async, cancellable, callback, user_data);
}

/**
 * tern_mail_open_draft_async:
 * @message_id: a draft (or any message, to edit it as new)
 *
 * Reads a stored draft back into a composition, on a worker. Completes with
 * tern_mail_compose_finish().
 */
void
tern_mail_open_draft_async (TernMail *self, gint64 message_id, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  Compose *compose = g_new0 (Compose, 1);

  g_return_if_fail (TERN_IS_MAIL (self));
  compose->message_id = message_id;
  compose->draft = TRUE;
  start_compose (self, compose, tern_mail_open_draft_async, cancellable, callback, user_data);
}

/**
 * tern_mail_compose_finish:
 *
 * Returns: (transfer full): the composition, or %NULL: %TERN_OUTBOX_ERROR_NOT_A_MESSAGE,
 *   the store's error, a network error when the body is only on an unreachable server
 */
TernOutboxComposition *
tern_mail_compose_finish (TernMail *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- address completion --------------------------------------------------------------------- */

/**
 * tern_mail_forget_correspondents:
 *
 * The next completion reads the correspondents from the store again (after a message
 * was sent, its recipients rank higher).
 */
void
tern_mail_forget_correspondents (TernMail *self)
{
  ComposeState *state;

  g_return_if_fail (TERN_IS_MAIL (self));
  state = get_state (self);
  g_mutex_lock (&state->lock);
  g_clear_pointer (&state->correspondents, g_ptr_array_unref);
  g_mutex_unlock (&state->lock);
}

typedef struct
{
  TernMail     *mail;
  ComposeState *state;    /* the mail's */
  char         *text;
  guint         max;
} Complete;

static void
complete_free (Complete *complete)
{
  g_object_unref (complete->mail);
  g_free (complete->text);
  g_free (complete);
}

/* Whether a word of @haystack (folded) begins with @needle (folded). */
static gboolean
word_prefix (const char *haystack, const char *needle)
{
  gboolean at_start = TRUE;

  if (haystack == NULL)
    return FALSE;
  for (const char *p = haystack; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (at_start && g_str_has_prefix (p, needle))
        return TRUE;
      at_start = !g_unichar_isalnum (c);
    }
  return FALSE;
}

static gboolean
matches (const TernStoreCorrespondent *c, const char *needle)
{
  g_autofree char *address = g_utf8_casefold (c->address, -1);
  g_autofree char *name = c->name != NULL ? g_utf8_casefold (c->name, -1) : NULL;

  /* The address from its start or from its domain; the name by any of its words. */
  return g_str_has_prefix (address, needle) ||
         (strchr (address, '@') != NULL && g_str_has_prefix (strchr (address, '@') + 1, needle)) ||
         word_prefix (name, needle);
}

static gpointer
complete_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  Complete *complete = data;
  ComposeState *state = complete->state;
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *needle = NULL;
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_store_correspondent_free);

  g_mutex_lock (&state->lock);
  if (state->correspondents != NULL && g_get_monotonic_time () - state->read_at < CORRESPONDENTS_TTL)
    all = g_ptr_array_ref (state->correspondents);
  g_mutex_unlock (&state->lock);
  if (all == NULL)
    {
      if ((all = tern_store_db_list_correspondents (db, 0, error)) == NULL)
        {
          g_ptr_array_unref (found);
          return NULL;
        }
      g_mutex_lock (&state->lock);
      g_clear_pointer (&state->correspondents, g_ptr_array_unref);
      state->correspondents = g_ptr_array_ref (all);
      state->read_at = g_get_monotonic_time ();
      g_mutex_unlock (&state->lock);
    }
  needle = g_utf8_casefold (complete->text, -1);
  g_strstrip (needle);
  if (*needle == '\0')
    return found;
  /* In the completion order already: the first matches are the best. */
  for (guint i = 0; i < all->len && found->len < complete->max; i++)
    if (matches (g_ptr_array_index (all, i), needle))
      g_ptr_array_add (found, tern_store_correspondent_copy (g_ptr_array_index (all, i)));
  return found;
}

/**
 * tern_mail_complete_address_async:
 * @text: what the user typed of an address or a name
 * @max_results: how many at most
 *
 * The correspondents whose address begins with @text (or whose domain does), or one
 * of whose name's words does: those one wrote to most first, then those who wrote
 * most, then the latest. Completes with tern_mail_complete_address_finish().
 */
void
tern_mail_complete_address_async (TernMail *self, const char *text, guint max_results, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  Complete *complete = g_new0 (Complete, 1);

  g_return_if_fail (TERN_IS_MAIL (self));
  complete->mail = g_object_ref (self);
  complete->state = get_state (self);
  complete->text = g_strdup (text != NULL ? text : "");
  complete->max = max_results > 0 ? max_results : 8;
  tern_store_run_async (tern_mail_get_store (self), complete_work, complete, (GDestroyNotify) complete_free,
                        (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * tern_mail_complete_address_finish:
 *
 * Returns: (transfer full) (element-type TernStoreCorrespondent): the matches, best
 *   first (maybe none)
 */
GPtrArray *
tern_mail_complete_address_finish (TernMail *self, GAsyncResult *result, GError **error)
{
  return tern_store_run_finish (tern_mail_get_store (self), result, error);
}

/* ---- the outgoing server's size limit ------------------------------------------------------ */

typedef struct
{
  ComposeState *state;
  TernAccount  *account;
} SizeProbe;

static void
size_probe_free (SizeProbe *probe)
{
  g_object_unref (probe->account);
  g_free (probe);
}

static void
size_probe_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  SizeProbe *probe = task_data;
  GError *error = NULL;
  g_autoptr(TernSmtpSession) session = tern_account_open_smtp (probe->account, NULL, 15, cancellable, &error);
  guint64 limit;

  if (session == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  limit = tern_smtp_capabilities_get_size_limit (tern_smtp_session_get_capabilities (session));
  tern_smtp_session_quit (session, cancellable, NULL);
  g_mutex_lock (&probe->state->lock);
  g_hash_table_insert (probe->state->size_limits, g_strdup (tern_account_get_email (probe->account)),
                       g_memdup2 (&limit, sizeof limit));
  g_mutex_unlock (&probe->state->lock);
  g_task_return_pointer (task, g_memdup2 (&limit, sizeof limit), g_free);
}

/**
 * tern_mail_get_smtp_size_limit_async:
 *
 * The largest message the account's outgoing server takes (its SIZE), asked of the
 * server once (connecting and greeting it, without logging in); later calls answer at
 * once. Completes with tern_mail_get_smtp_size_limit_finish().
 */
void
tern_mail_get_smtp_size_limit_async (TernMail *self, TernMailAccount *account, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  ComposeState *state = get_state (self);
  SizeProbe *probe;
  guint64 *known;

  g_task_set_source_tag (task, tern_mail_get_smtp_size_limit_async);
  g_mutex_lock (&state->lock);
  known = g_hash_table_lookup (state->size_limits, tern_mail_account_get_email (account));
  if (known != NULL)
    {
      guint64 limit = *known;

      g_mutex_unlock (&state->lock);
      g_task_return_pointer (task, g_memdup2 (&limit, sizeof limit), g_free);
      return;
    }
  g_mutex_unlock (&state->lock);
  probe = g_new0 (SizeProbe, 1);
  probe->state = state;
  probe->account = g_object_ref (tern_mail_account_get_account (account));
  g_task_set_task_data (task, probe, (GDestroyNotify) size_probe_free);
  g_task_run_in_thread (task, size_probe_thread);
}

/**
 * tern_mail_get_smtp_size_limit_finish:
 *
 * Returns: the limit in bytes; 0 when the server states none, or on error (offline)
 */
guint64
tern_mail_get_smtp_size_limit_finish (TernMail *self, GAsyncResult *result, GError **error)
{
  g_autofree guint64 *limit = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  limit = g_task_propagate_pointer (G_TASK (result), error);
  return limit != NULL ? *limit : 0;
}
