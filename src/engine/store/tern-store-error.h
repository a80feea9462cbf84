/* tern-store-error.h: errors of the local mail store
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TERN_STORE_ERROR (tern_store_error_quark ())

/**
 * TernStoreError:
 * @TERN_STORE_ERROR_FAILED: any other failure (SQLite's message says more)
 * @TERN_STORE_ERROR_CORRUPT: the store file is damaged (truncated, corrupt pages)
 * @TERN_STORE_ERROR_FOREIGN: the file is not a Tern store (not SQLite, or another
 *   application's database)
 * @TERN_STORE_ERROR_TOO_NEW: the store was written by a newer Tern (schema version
 *   unknown to this one)
 * @TERN_STORE_ERROR_NOT_FOUND: no such account, folder or message
 * @TERN_STORE_ERROR_EXISTS: the object exists already
 * @TERN_STORE_ERROR_INVALID_QUERY: a search query the query language cannot read
 * @TERN_STORE_ERROR_IO: the file or its directory cannot be created, read or written
 * @TERN_STORE_ERROR_BUSY: another process holds the store locked for too long
 * @TERN_STORE_ERROR_FULL: the disk is full
 */
typedef enum
{
  TERN_STORE_ERROR_FAILED,
  TERN_STORE_ERROR_CORRUPT,
  TERN_STORE_ERROR_FOREIGN,
  TERN_STORE_ERROR_TOO_NEW,
  TERN_STORE_ERROR_NOT_FOUND,
  TERN_STORE_ERROR_EXISTS,
  TERN_STORE_ERROR_INVALID_QUERY,
  TERN_STORE_ERROR_IO,
  TERN_STORE_ERROR_BUSY,
  TERN_STORE_ERROR_FULL,
} TernStoreError;

GQuark tern_store_error_quark (void);

G_END_DECLS
