/* tern-autoconfig-result.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tern-account-error.h"
#include "tern-autoconfig-result-private.h"

/*
 * The settings detection found for one address: which source won, the servers of each
 * protocol in order of preference (the first is the one to use), and every step that
 * was tried, in order, with its outcome. Immutable once TernAutoconfig hands it out.
 *
 * Preference, documented once here:
 *  - per protocol, TLS from the first byte before STARTTLS before no encryption
 *    (RFC 8314); between equals, the source's own order (file order for the provider
 *    database, SRV priority and weight, the probe order of guessing); a server whose
 *    certificate did not validate comes after every one whose certificate did;
 *  - IMAP before POP3, unless the caller asks for POP3 (tern_autoconfig_result_get_incoming());
 *    both are reported when both exist.
 */

struct _TernAutoconfigResult
{
  GObject                parent_instance;

  char                  *address;
  TernAutoconfigSource   source;
  char                  *provider_name;
  GPtrArray             *servers[TERN_AUTOCONFIG_N_PROTOCOLS];  /* TernAutoconfigServer* */
  GPtrArray             *steps;                                 /* TernAutoconfigStep* */
};

G_DEFINE_FINAL_TYPE (TernAutoconfigResult, tern_autoconfig_result, G_TYPE_OBJECT)

TernAutoconfigResult *
_tern_autoconfig_result_new (const char *address)
{
  TernAutoconfigResult *self = g_object_new (TERN_TYPE_AUTOCONFIG_RESULT, NULL);

  self->address = g_strdup (address);
  return self;
}

void
_tern_autoconfig_result_set_source (TernAutoconfigResult *self,
                                    TernAutoconfigSource  source,
                                    const char           *provider_name)
{
  self->source = source;
  g_free (self->provider_name);
  self->provider_name = g_strdup (provider_name);
}

/* Takes @server. */
void
_tern_autoconfig_result_add_server (TernAutoconfigResult *self,
                                    TernAutoconfigServer *server)
{
  g_return_if_fail (server->protocol < TERN_AUTOCONFIG_N_PROTOCOLS);

  g_ptr_array_add (self->servers[server->protocol], server);
}

static int
security_rank (TernNetSecurity security)
{
  switch (security)
    {
    case TERN_NET_SECURITY_TLS:
      return 0;
    case TERN_NET_SECURITY_STARTTLS:
      return 1;
    case TERN_NET_SECURITY_NONE:
    default:
      return 2;
    }
}

static int
compare_security (gconstpointer a,
                  gconstpointer b)
{
  const TernAutoconfigServer *sa = *(const TernAutoconfigServer * const *) a;
  const TernAutoconfigServer *sb = *(const TernAutoconfigServer * const *) b;

  return security_rank (sa->security) - security_rank (sb->security);
}

/* Stable (g_ptr_array_sort is a merge sort): equals keep the source's order. */
void
_tern_autoconfig_result_sort_by_security (TernAutoconfigResult *self)
{
  for (guint p = 0; p < TERN_AUTOCONFIG_N_PROTOCOLS; p++)
    g_ptr_array_sort (self->servers[p], compare_security);
}

gboolean
_tern_autoconfig_result_is_empty (TernAutoconfigResult *self)
{
  return self->servers[TERN_AUTOCONFIG_PROTOCOL_IMAP]->len == 0 &&
         self->servers[TERN_AUTOCONFIG_PROTOCOL_POP3]->len == 0;
}

void
_tern_autoconfig_result_clear_servers (TernAutoconfigResult *self)
{
  for (guint p = 0; p < TERN_AUTOCONFIG_N_PROTOCOLS; p++)
    g_ptr_array_set_size (self->servers[p], 0);
  g_clear_pointer (&self->provider_name, g_free);
}

TernAutoconfigStep *
_tern_autoconfig_result_add_step (TernAutoconfigResult      *self,
                                  TernAutoconfigSource       source,
                                  TernAutoconfigStepOutcome  outcome,
                                  const char                *text)
{
  TernAutoconfigStep *step = tern_autoconfig_step_new (source, outcome, text);

  g_ptr_array_add (self->steps, step);
  return step;
}

/* ---- public ---------------------------------------------------------------------------- */

const char *
tern_autoconfig_result_get_address (TernAutoconfigResult *self)
{
  g_return_val_if_fail (TERN_IS_AUTOCONFIG_RESULT (self), NULL);

  return self->address;
}

/**
 * tern_autoconfig_result_get_source:
 *
 * Returns: the source that found the servers
 */
TernAutoconfigSource
tern_autoconfig_result_get_source (TernAutoconfigResult *self)
{
  g_return_val_if_fail (TERN_IS_AUTOCONFIG_RESULT (self), TERN_AUTOCONFIG_SOURCE_ISPDB);

  return self->source;
}

/**
 * tern_autoconfig_result_get_provider_name:
 *
 * Returns: (nullable): the provider's name, when the provider database found it
 */
const char *
tern_autoconfig_result_get_provider_name (TernAutoconfigResult *self)
{
  g_return_val_if_fail (TERN_IS_AUTOCONFIG_RESULT (self), NULL);

  return self->provider_name;
}

/**
 * tern_autoconfig_result_get_server:
 *
 * Returns: (transfer none) (nullable): the preferred server for @protocol, or %NULL when
 *   none was found
 */
const TernAutoconfigServer *
tern_autoconfig_result_get_server (TernAutoconfigResult   *self,
                                   TernAutoconfigProtocol  protocol)
{
  g_return_val_if_fail (TERN_IS_AUTOCONFIG_RESULT (self), NULL);
  g_return_val_if_fail (protocol < TERN_AUTOCONFIG_N_PROTOCOLS, NULL);

  if (self->servers[protocol]->len == 0)
    return NULL;

  return self->servers[protocol]->pdata[0];
}

/**
 * tern_autoconfig_result_get_servers:
 *
 * Returns: (transfer none) (element-type TernAutoconfigServer): every server found for
 *   @protocol, the preferred first
 */
GPtrArray *
tern_autoconfig_result_get_servers (TernAutoconfigResult   *self,
                                    TernAutoconfigProtocol  protocol)
{
  g_return_val_if_fail (TERN_IS_AUTOCONFIG_RESULT (self), NULL);
  g_return_val_if_fail (protocol < TERN_AUTOCONFIG_N_PROTOCOLS, NULL);

  return self->servers[protocol];
}

/**
 * tern_autoconfig_result_get_incoming:
 * @preferred: %TERN_AUTOCONFIG_PROTOCOL_IMAP (the default choice) or
 *   %TERN_AUTOCONFIG_PROTOCOL_POP3 (the user asked for POP3)
 *
 * Returns: (transfer none) (nullable): the preferred server of @preferred, or else of
 *   the other incoming protocol
 */
const TernAutoconfigServer *
tern_autoconfig_result_get_incoming (TernAutoconfigResult   *self,
                                     TernAutoconfigProtocol  preferred)
{
  const TernAutoconfigServer *server;
  TernAutoconfigProtocol other;

  g_return_val_if_fail (TERN_IS_AUTOCONFIG_RESULT (self), NULL);
  g_return_val_if_fail (preferred == TERN_AUTOCONFIG_PROTOCOL_IMAP ||
                        preferred == TERN_AUTOCONFIG_PROTOCOL_POP3, NULL);

  other = preferred == TERN_AUTOCONFIG_PROTOCOL_IMAP ? TERN_AUTOCONFIG_PROTOCOL_POP3
                                                      : TERN_AUTOCONFIG_PROTOCOL_IMAP;
  server = tern_autoconfig_result_get_server (self, preferred);
  return server != NULL ? server : tern_autoconfig_result_get_server (self, other);
}

/**
 * tern_autoconfig_result_get_steps:
 *
 * Returns: (transfer none) (element-type TernAutoconfigStep): the steps tried, in order
 */
GPtrArray *
tern_autoconfig_result_get_steps (TernAutoconfigResult *self)
{
  g_return_val_if_fail (TERN_IS_AUTOCONFIG_RESULT (self), NULL);

  return self->steps;
}

/**
 * tern_autoconfig_result_get_untrusted_server:
 *
 * Returns: (transfer none) (nullable): the first preferred server (IMAP, POP3, SMTP)
 *   whose certificate did not validate; its @certificate field holds the certificate
 */
const TernAutoconfigServer *
tern_autoconfig_result_get_untrusted_server (TernAutoconfigResult *self)
{
  g_return_val_if_fail (TERN_IS_AUTOCONFIG_RESULT (self), NULL);

  for (guint p = 0; p < TERN_AUTOCONFIG_N_PROTOCOLS; p++)
    {
      const TernAutoconfigServer *server = tern_autoconfig_result_get_server (self, p);

      if (server != NULL && server->certificate != NULL)
        return server;
    }

  return NULL;
}

/**
 * tern_autoconfig_result_apply:
 * @account: an account for the result's address; its protocol picks the incoming server
 *
 * Sets the incoming server of @account's protocol and the outgoing server (when one was
 * found). A server that needs no encryption is set as found; whether credentials may
 * cross it is still the account's allow-plaintext-auth setting, which this leaves alone.
 *
 * Returns: %FALSE with %TERN_ACCOUNT_ERROR_INVALID when no server of @account's protocol
 *   was found
 */
gboolean
tern_autoconfig_result_apply (TernAutoconfigResult  *self,
                              TernAccount           *account,
                              GError               **error)
{
  TernAutoconfigProtocol protocol;
  const TernAutoconfigServer *in;
  const TernAutoconfigServer *out;

  g_return_val_if_fail (TERN_IS_AUTOCONFIG_RESULT (self), FALSE);
  g_return_val_if_fail (TERN_IS_ACCOUNT (account), FALSE);

  protocol = tern_account_get_protocol (account) == TERN_ACCOUNT_PROTOCOL_POP3
             ? TERN_AUTOCONFIG_PROTOCOL_POP3 : TERN_AUTOCONFIG_PROTOCOL_IMAP;
  in = tern_autoconfig_result_get_server (self, protocol);
  if (in == NULL)
    {
      g_set_error (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_INVALID,
                   _("No %s server was found for %s"),
                   protocol == TERN_AUTOCONFIG_PROTOCOL_POP3 ? "POP3" : "IMAP", self->address);
      return FALSE;
    }

  tern_account_set_incoming (account, in->host, in->port, in->security, in->user);
  out = tern_autoconfig_result_get_server (self, TERN_AUTOCONFIG_PROTOCOL_SMTP);
  if (out != NULL)
    tern_account_set_outgoing (account, out->host, out->port, out->security, out->user);

  return TRUE;
}

static void
tern_autoconfig_result_finalize (GObject *object)
{
  TernAutoconfigResult *self = TERN_AUTOCONFIG_RESULT (object);

  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->provider_name, g_free);
  for (guint p = 0; p < TERN_AUTOCONFIG_N_PROTOCOLS; p++)
    g_clear_pointer (&self->servers[p], g_ptr_array_unref);
  g_clear_pointer (&self->steps, g_ptr_array_unref);

  G_OBJECT_CLASS (tern_autoconfig_result_parent_class)->finalize (object);
}

static void
tern_autoconfig_result_class_init (TernAutoconfigResultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tern_autoconfig_result_finalize;
}

static void
tern_autoconfig_result_init (TernAutoconfigResult *self)
{
  for (guint p = 0; p < TERN_AUTOCONFIG_N_PROTOCOLS; p++)
    self->servers[p] = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_autoconfig_server_free);
  self->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_autoconfig_step_free);
}
