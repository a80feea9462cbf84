/* tern-store-importer.h: imports mbox files, Maildirs and message files
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-store.h"

G_BEGIN_DECLS

/**
 * TernStoreImportKind:
 * @TERN_STORE_IMPORT_AUTO: a directory is a Maildir; a file is an mbox if it starts
 *   with an envelope line ("From ..."), else one message (`.eml` and `.msg` files
 *   are always one message)
 * @TERN_STORE_IMPORT_MBOX: an mbox file
 * @TERN_STORE_IMPORT_MAILDIR: a Maildir or Maildir++ tree
 * @TERN_STORE_IMPORT_MESSAGE: one message file, stored byte for byte
 */
typedef enum
{
  TERN_STORE_IMPORT_AUTO,
  TERN_STORE_IMPORT_MBOX,
  TERN_STORE_IMPORT_MAILDIR,
  TERN_STORE_IMPORT_MESSAGE,
} TernStoreImportKind;

/**
 * TernStoreImportProgress:
 * @messages_done: messages read and handled so far
 * @messages_total: messages to import, 0 while unknown (mbox)
 * @bytes_done: bytes of the source read so far
 * @bytes_total: size of the source
 * @imported: messages added
 * @duplicates: messages skipped because the folder had them already
 * @failed: messages that could not be read
 * @finished: %TRUE in the last report
 * @skipped: entries of a Maildir that were not read: not regular files (symbolic
 *   links, FIFOs, sockets, devices...)
 */
typedef struct
{
  guint64  messages_done;
  guint64  messages_total;
  guint64  bytes_done;
  guint64  bytes_total;
  guint64  imported;
  guint64  duplicates;
  guint64  failed;
  gboolean finished;
  guint64  skipped;
} TernStoreImportProgress;

/**
 * TernStoreImportSkipped:
 * @path: the entry's path
 * @reason: why it was not read, for people ("a symbolic link, not followed")
 */
typedef struct
{
  char *path;
  char *reason;
} TernStoreImportSkipped;

void tern_store_import_skipped_free (TernStoreImportSkipped *skipped);

typedef void (*TernStoreImportProgressFunc) (const TernStoreImportProgress *progress,
                                             gpointer                       user_data);

#define TERN_TYPE_STORE_IMPORTER (tern_store_importer_get_type ())
G_DECLARE_FINAL_TYPE (TernStoreImporter, tern_store_importer, TERN, STORE_IMPORTER, GObject)

TernStoreImporter *tern_store_importer_new            (const char                  *source,
                                                       const char                  *account,
                                                       const char                  *folder);
void               tern_store_importer_set_kind       (TernStoreImporter           *self,
                                                       TernStoreImportKind          kind);
void               tern_store_importer_set_flatten    (TernStoreImporter           *self,
                                                       gboolean                     flatten);
void               tern_store_importer_set_progress_func (TernStoreImporter        *self,
                                                       TernStoreImportProgressFunc  func,
                                                       gpointer                     user_data,
                                                       GDestroyNotify               destroy);
gboolean           tern_store_importer_run            (TernStoreImporter           *self,
                                                       TernStoreDb                 *db,
                                                       GCancellable                *cancellable,
                                                       GError                     **error);
void               tern_store_importer_run_async      (TernStoreImporter           *self,
                                                       TernStore                   *store,
                                                       GCancellable                *cancellable,
                                                       GAsyncReadyCallback          callback,
                                                       gpointer                     user_data);
gboolean           tern_store_importer_run_finish     (TernStoreImporter           *self,
                                                       GAsyncResult                *result,
                                                       GError                     **error);
void               tern_store_importer_get_progress   (TernStoreImporter           *self,
                                                       TernStoreImportProgress     *progress);
GArray            *tern_store_importer_get_ids        (TernStoreImporter           *self);
GPtrArray         *tern_store_importer_get_failures   (TernStoreImporter           *self);
GPtrArray         *tern_store_importer_get_skipped    (TernStoreImporter           *self);

G_END_DECLS
