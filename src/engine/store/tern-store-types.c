/* tern-store-types.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-store-types.h"

static const char * const role_names[] = {
  NULL, "inbox", "sent", "drafts", "trash", "junk", "archive", "outbox",
};

static const struct
{
  TernStoreFlags  flag;
  const char     *name;
} flag_names[] = {
  { TERN_STORE_FLAG_SEEN, "\\Seen" },
  { TERN_STORE_FLAG_ANSWERED, "\\Answered" },
  { TERN_STORE_FLAG_FLAGGED, "\\Flagged" },
  { TERN_STORE_FLAG_DELETED, "\\Deleted" },
  { TERN_STORE_FLAG_DRAFT, "\\Draft" },
};

/**
 * tern_store_folder_role_to_string:
 *
 * Returns: (nullable): "inbox", "sent", ... or %NULL for no role
 */
const char *
tern_store_folder_role_to_string (TernStoreFolderRole role)
{
  if (role <= TERN_STORE_FOLDER_ROLE_NONE || role >= G_N_ELEMENTS (role_names))
    return NULL;
  return role_names[role];
}

TernStoreFolderRole
tern_store_folder_role_from_string (const char *name)
{
  if (name == NULL)
    return TERN_STORE_FOLDER_ROLE_NONE;
  for (guint i = 1; i < G_N_ELEMENTS (role_names); i++)
    if (g_ascii_strcasecmp (name, role_names[i]) == 0)
      return i;
  return TERN_STORE_FOLDER_ROLE_NONE;
}

/**
 * tern_store_flags_to_strv:
 *
 * Returns: (transfer full): the IMAP names of @flags, such as "\\Seen"
 */
char **
tern_store_flags_to_strv (TernStoreFlags flags)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **strv;

  for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
    if (flags & flag_names[i].flag)
      g_strv_builder_add (builder, flag_names[i].name);
  strv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return strv;
}

gboolean
tern_store_flag_from_string (const char *name, TernStoreFlags *flag)
{
  for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
    if (g_ascii_strcasecmp (name, flag_names[i].name) == 0 ||
        g_ascii_strcasecmp (name, flag_names[i].name + 1) == 0)
      {
        *flag = flag_names[i].flag;
        return TRUE;
      }
  return FALSE;
}
