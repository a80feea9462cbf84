/* tern-ui-identity.c: an address to send from: an account's own, or one more of the
 * account's (the `identities` setting), with its signature
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The accounts keep one address each; the identities add more (an alias, a
 * department's address) that send through the account's server. Each has a signature
 * (the `signatures` setting, by address). The engine hears of them
 * (tern_mail_set_identities()) so that a Reply All leaves them out and a reply to a
 * message sent to one is sent from it.
 */
#include "config.h"

#include "tern-ui-identity.h"

struct _TernUiIdentity
{
  GObject          parent_instance;

  TernMailAccount *account;
  char            *name;
  char            *address;
  char            *signature;
  gboolean         is_account;
};

G_DEFINE_FINAL_TYPE (TernUiIdentity, tern_ui_identity, G_TYPE_OBJECT)

static void
tern_ui_identity_finalize (GObject *object)
{
  TernUiIdentity *self = TERN_UI_IDENTITY (object);

  g_clear_object (&self->account);
  g_free (self->name);
  g_free (self->address);
  g_free (self->signature);
  G_OBJECT_CLASS (tern_ui_identity_parent_class)->finalize (object);
}

static void
tern_ui_identity_class_init (TernUiIdentityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_ui_identity_finalize;
}

static void
tern_ui_identity_init (TernUiIdentity *self)
{
}

TernMailAccount *
tern_ui_identity_get_account (TernUiIdentity *self)
{
  g_return_val_if_fail (TERN_UI_IS_IDENTITY (self), NULL);
  return self->account;
}

const char *
tern_ui_identity_get_name (TernUiIdentity *self)
{
  g_return_val_if_fail (TERN_UI_IS_IDENTITY (self), NULL);
  return self->name;
}

const char *
tern_ui_identity_get_address (TernUiIdentity *self)
{
  g_return_val_if_fail (TERN_UI_IS_IDENTITY (self), NULL);
  return self->address;
}

/**
 * tern_ui_identity_get_signature:
 *
 * Returns: (nullable): the signature, without its "-- " line
 */
const char *
tern_ui_identity_get_signature (TernUiIdentity *self)
{
  g_return_val_if_fail (TERN_UI_IS_IDENTITY (self), NULL);
  return self->signature;
}

gboolean
tern_ui_identity_get_is_account (TernUiIdentity *self)
{
  g_return_val_if_fail (TERN_UI_IS_IDENTITY (self), FALSE);
  return self->is_account;
}

/**
 * tern_ui_identity_dup_from:
 *
 * Returns: (transfer full): the From field: "Name <address>", or the address
 */
char *
tern_ui_identity_dup_from (TernUiIdentity *self)
{
  TernStoreCorrespondent c = { self->name, self->address, 0, 0, 0 };

  g_return_val_if_fail (TERN_UI_IS_IDENTITY (self), NULL);
  return tern_store_correspondent_to_string (&c);
}

static char *
dup_signature (GSettings *settings, const char *address)
{
  g_autoptr(GVariant) signatures = g_settings_get_value (settings, "signatures");
  g_autofree char *key = g_utf8_strdown (address, -1);
  const char *signature = NULL;

  if (g_variant_lookup (signatures, key, "&s", &signature) && signature[0] != '\0')
    return g_strdup (signature);
  return NULL;
}

static TernUiIdentity *
identity_new (TernMailAccount *account, const char *name, const char *address, GSettings *settings,
              gboolean is_account)
{
  TernUiIdentity *self = g_object_new (TERN_UI_TYPE_IDENTITY, NULL);

  self->account = g_object_ref (account);
  self->name = name != NULL && *name != '\0' && g_ascii_strcasecmp (name, address) != 0 ? g_strdup (name) : NULL;
  self->address = g_strdup (address);
  self->signature = dup_signature (settings, address);
  self->is_account = is_account;
  return self;
}

/**
 * tern_ui_identity_list_new:
 *
 * Returns: (transfer full): every account's address, each followed by its identities
 */
GListStore *
tern_ui_identity_list_new (TernMail *mail, GSettings *settings)
{
  GListStore *store = g_list_store_new (TERN_UI_TYPE_IDENTITY);
  GListModel *accounts = tern_mail_get_accounts (mail);
  g_autoptr(GVariant) extra = g_settings_get_value (settings, "identities");

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (accounts, i);
      g_autoptr(TernUiIdentity) own = NULL;
      GVariantIter iter;
      const char *owner, *name, *address;

      own = identity_new (account, tern_account_get_name (tern_mail_account_get_account (account)),
                          tern_mail_account_get_email (account), settings, TRUE);
      g_list_store_append (store, own);
      g_variant_iter_init (&iter, extra);
      while (g_variant_iter_next (&iter, "(&s&s&s)", &owner, &name, &address))
        if (g_ascii_strcasecmp (owner, tern_mail_account_get_email (account)) == 0 && address[0] != '\0')
          {
            g_autoptr(TernUiIdentity) identity = identity_new (account, name, address, settings, FALSE);
            g_list_store_append (store, identity);
          }
    }
  return store;
}

/**
 * tern_ui_identity_list_find:
 *
 * Returns: the position of the identity of @address, or GTK_INVALID_LIST_POSITION
 */
guint
tern_ui_identity_list_find (GListModel *identities, const char *address)
{
  for (guint i = 0; address != NULL && i < g_list_model_get_n_items (identities); i++)
    {
      g_autoptr(TernUiIdentity) identity = g_list_model_get_item (identities, i);

      if (g_ascii_strcasecmp (identity->address, address) == 0)
        return i;
    }
  return G_MAXUINT;
}

/**
 * tern_ui_identity_set_signature:
 * @signature: (nullable): the new signature; %NULL or empty for none
 */
void
tern_ui_identity_set_signature (GSettings *settings, const char *address, const char *signature)
{
  g_autoptr(GVariant) old = g_settings_get_value (settings, "signatures");
  g_autofree char *key = g_utf8_strdown (address, -1);
  GVariantBuilder builder;
  GVariantIter iter;
  const char *k, *v;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  g_variant_iter_init (&iter, old);
  while (g_variant_iter_next (&iter, "{&s&s}", &k, &v))
    if (!g_str_equal (k, key))
      g_variant_builder_add (&builder, "{ss}", k, v);
  if (signature != NULL && *signature != '\0')
    g_variant_builder_add (&builder, "{ss}", key, signature);
  g_settings_set_value (settings, "signatures", g_variant_builder_end (&builder));
}

void
tern_ui_identity_add (GSettings *settings, const char *account, const char *name, const char *address)
{
  g_autoptr(GVariant) old = g_settings_get_value (settings, "identities");
  GVariantBuilder builder;
  GVariantIter iter;
  const char *o, *n, *a;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  g_variant_iter_init (&iter, old);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &o, &n, &a))
    if (g_ascii_strcasecmp (a, address) != 0)
      g_variant_builder_add (&builder, "(sss)", o, n, a);
  g_variant_builder_add (&builder, "(sss)", account, name != NULL ? name : "", address);
  g_settings_set_value (settings, "identities", g_variant_builder_end (&builder));
}

void
tern_ui_identity_remove (GSettings *settings, const char *address)
{
  g_autoptr(GVariant) old = g_settings_get_value (settings, "identities");
  GVariantBuilder builder;
  GVariantIter iter;
  const char *o, *n, *a;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  g_variant_iter_init (&iter, old);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &o, &n, &a))
    if (g_ascii_strcasecmp (a, address) != 0)
      g_variant_builder_add (&builder, "(sss)", o, n, a);
  g_settings_set_value (settings, "identities", g_variant_builder_end (&builder));
  tern_ui_identity_set_signature (settings, address, NULL);
}

/**
 * tern_ui_identity_sync_engine:
 *
 * Tells the engine which addresses are one's own besides the accounts'.
 */
void
tern_ui_identity_sync_engine (TernMail *mail, GSettings *settings)
{
  g_autoptr(GVariant) extra = g_settings_get_value (settings, "identities");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) addresses = NULL;
  GVariantIter iter;
  const char *o, *n, *a;

  g_variant_iter_init (&iter, extra);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &o, &n, &a))
    g_strv_builder_add (builder, a);
  addresses = g_strv_builder_end (builder);
  tern_mail_set_identities (mail, (const char * const *) addresses);
}
