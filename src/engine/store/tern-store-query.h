/* tern-store-query.h: the search query language
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * TernStoreQueryTristate:
 * @TERN_STORE_QUERY_ANY: the query does not care
 * @TERN_STORE_QUERY_YES: the property must hold
 * @TERN_STORE_QUERY_NO: the property must not hold
 */
typedef enum
{
  TERN_STORE_QUERY_ANY,
  TERN_STORE_QUERY_YES,
  TERN_STORE_QUERY_NO,
} TernStoreQueryTristate;

#define TERN_TYPE_STORE_QUERY (tern_store_query_get_type ())
G_DECLARE_FINAL_TYPE (TernStoreQuery, tern_store_query, TERN, STORE_QUERY, GObject)

TernStoreQuery         *tern_store_query_parse              (const char     *text,
                                                             GError        **error);
const char             *tern_store_query_get_text           (TernStoreQuery *self);
const char             *tern_store_query_get_match          (TernStoreQuery *self);
const char             *tern_store_query_get_exclude_match  (TernStoreQuery *self);
TernStoreQueryTristate  tern_store_query_get_unread         (TernStoreQuery *self);
TernStoreQueryTristate  tern_store_query_get_flagged        (TernStoreQuery *self);
TernStoreQueryTristate  tern_store_query_get_answered       (TernStoreQuery *self);
TernStoreQueryTristate  tern_store_query_get_draft          (TernStoreQuery *self);
TernStoreQueryTristate  tern_store_query_get_deleted        (TernStoreQuery *self);
TernStoreQueryTristate  tern_store_query_get_has_attachment (TernStoreQuery *self);
const char * const     *tern_store_query_get_folders        (TernStoreQuery *self);
const char * const     *tern_store_query_get_excluded_folders (TernStoreQuery *self);
gint64                  tern_store_query_get_after          (TernStoreQuery *self);
gint64                  tern_store_query_get_before         (TernStoreQuery *self);
gboolean                tern_store_query_is_empty           (TernStoreQuery *self);

G_END_DECLS
