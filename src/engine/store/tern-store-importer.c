/* tern-store-importer.c: imports mbox files, Maildirs and message files
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A pipeline over the machine's cores:
 *   reader thread   walks the source and reads each message's bytes
 *   parser pool     parses each message once with GMime (TernMimeSummary) and
 *                   hashes it (one thread per core)
 *   calling thread  writes to the store in transactions of BATCH_MESSAGES
 *                   messages (or BATCH_BYTES bytes)
 * At most MAX_IN_FLIGHT messages (MAX_IN_FLIGHT_BYTES bytes) are between the
 * reader and the writer, which bounds memory whatever the source's size.
 *
 * Import is idempotent: a message whose bytes the target folder has already is
 * skipped (tern_store_db_compute_dedup_key()), so an interrupted import is
 * finished by running it again. Raw bytes are stored as found, except that an
 * mbox's envelope line and the empty line before the next one are framing.
 *
 * Only regular files are read. In a Maildir, a symbolic link (to a message, to a
 * cur/ or new/ folder, to a Maildir++ subfolder) is not followed, and a FIFO,
 * socket or device is not opened for reading: each is opened with O_NOFOLLOW and
 * O_NONBLOCK and checked with fstat() (after a cheap lstat()), and reported by
 * tern_store_importer_get_skipped(). The source named by the caller may be a link;
 * it must be a Maildir or a regular file all the same.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "tern-mime-mbox-reader.h"
#include "tern-mime-summary.h"
#include "tern-store-error.h"
#include "tern-store-importer.h"

#define BATCH_MESSAGES      1000
#define BATCH_BYTES         (48 * 1024 * 1024)
#define MAX_IN_FLIGHT       128
#define MAX_IN_FLIGHT_BYTES (64 * 1024 * 1024)
#define MAX_FAILURES        100
#define PROGRESS_INTERVAL   (250 * G_TIME_SPAN_MILLISECOND)

struct _TernStoreImporter
{
  GObject                      parent_instance;

  char                        *source;
  char                        *account;
  char                        *folder;
  TernStoreImportKind          kind;
  gboolean                     flatten;
  TernStoreImportProgressFunc  progress_func;
  gpointer                     progress_data;
  GDestroyNotify               progress_destroy;

  /* Results, read by the caller after run(). */
  TernStoreImportProgress      progress;
  GArray                      *ids;
  GPtrArray                   *failures;
  GPtrArray                   *skipped;

  /* The pipeline, during run(). */
  GMutex                       lock;
  GCond                        cond;
  guint                        in_flight;
  guint64                      in_flight_bytes;
  gboolean                     stop;
  guint64                      total_messages;  /* under lock */
  guint64                      total_bytes;
  guint64                      read_bytes;      /* under lock */
  GAsyncQueue                 *done;
  GThreadPool                 *parsers;
  guint64                      next_seq;        /* reader thread only */
  GHashTable                  *known;           /* "dedup_key/folder" stored already; read-only while running */
  TernStoreImportKind          effective_kind;
};

G_DEFINE_FINAL_TYPE (TernStoreImporter, tern_store_importer, G_TYPE_OBJECT)

typedef struct
{
  gboolean         end;            /* the reader's last item */
  char            *folder;         /* the target folder path */
  char            *origin;         /* the file (and offset) for messages */
  GBytes          *raw;
  char            *read_error;
  char            *skipped;        /* why the entry was not read (not a regular file) */
  TernStoreFlags   flags;
  gint64           internal_date;
  gboolean         use_status;     /* mbox: flags from Status headers */
  TernMimeSummary *summary;
  gint64           dedup_key;
  gsize            size;
  guint64          seq;            /* position in the source */
} Item;

static void
item_free (Item *item)
{
  g_free (item->folder);
  g_free (item->origin);
  if (item->raw != NULL)
    g_bytes_unref (item->raw);
  g_free (item->read_error);
  g_free (item->skipped);
  tern_mime_summary_free (item->summary);
  g_free (item);
}

/* ---- object --------------------------------------------------------------------- */

static void
tern_store_importer_finalize (GObject *object)
{
  TernStoreImporter *self = TERN_STORE_IMPORTER (object);

  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  g_free (self->source);
  g_free (self->account);
  g_free (self->folder);
  g_array_unref (self->ids);
  g_ptr_array_unref (self->failures);
  g_ptr_array_unref (self->skipped);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (tern_store_importer_parent_class)->finalize (object);
}

static void
tern_store_importer_class_init (TernStoreImporterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_store_importer_finalize;
}

static void
tern_store_importer_init (TernStoreImporter *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  self->failures = g_ptr_array_new_with_free_func (g_free);
  self->skipped = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_store_import_skipped_free);
}

/**
 * tern_store_importer_new:
 * @source: an mbox file, a Maildir, or a message file
 * @account: (nullable): the account's address; %NULL for Local Folders
 * @folder: the target folder path (created if needed); a Maildir++ tree's
 *   subfolders become its subfolders
 */
TernStoreImporter *
tern_store_importer_new (const char *source, const char *account, const char *folder)
{
  TernStoreImporter *self;

  g_return_val_if_fail (source != NULL, NULL);
  g_return_val_if_fail (folder != NULL, NULL);

  self = g_object_new (TERN_TYPE_STORE_IMPORTER, NULL);
  self->source = g_strdup (source);
  self->account = g_strdup (account != NULL ? account : TERN_STORE_LOCAL_ACCOUNT);
  self->folder = g_strdup (folder);
  return self;
}

void
tern_store_importer_set_kind (TernStoreImporter *self, TernStoreImportKind kind)
{
  g_return_if_fail (TERN_IS_STORE_IMPORTER (self));
  self->kind = kind;
}

/**
 * tern_store_importer_set_flatten:
 *
 * Puts every message of a Maildir++ tree into the target folder itself instead
 * of recreating the tree's subfolders.
 */
void
tern_store_importer_set_flatten (TernStoreImporter *self, gboolean flatten)
{
  g_return_if_fail (TERN_IS_STORE_IMPORTER (self));
  self->flatten = flatten;
}

/**
 * tern_store_importer_set_progress_func:
 *
 * Sets a function called in the importing thread a few times a second and once
 * at the end (with @finished set).
 */
void
tern_store_importer_set_progress_func (TernStoreImporter           *self,
                                       TernStoreImportProgressFunc  func,
                                       gpointer                     user_data,
                                       GDestroyNotify               destroy)
{
  g_return_if_fail (TERN_IS_STORE_IMPORTER (self));
  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  self->progress_func = func;
  self->progress_data = user_data;
  self->progress_destroy = destroy;
}

void
tern_store_importer_get_progress (TernStoreImporter *self, TernStoreImportProgress *progress)
{
  g_return_if_fail (TERN_IS_STORE_IMPORTER (self));
  *progress = self->progress;
}

/**
 * tern_store_importer_get_ids:
 *
 * Returns: (transfer none) (element-type gint64): the store id of each message of
 *   the source, by its position in the source (a duplicate gives the id it
 *   duplicates; a message that could not be read, 0)
 */
GArray *
tern_store_importer_get_ids (TernStoreImporter *self)
{
  g_return_val_if_fail (TERN_IS_STORE_IMPORTER (self), NULL);
  return self->ids;
}

/**
 * tern_store_importer_get_failures:
 *
 * Returns: (transfer none) (element-type utf8): messages that could not be read
 *   (at most 100), each "origin: reason"
 */
GPtrArray *
tern_store_importer_get_failures (TernStoreImporter *self)
{
  g_return_val_if_fail (TERN_IS_STORE_IMPORTER (self), NULL);
  return self->failures;
}

/**
 * tern_store_importer_get_skipped:
 *
 * Returns: (transfer none) (element-type TernStoreImportSkipped): what was not
 *   read because it is not a regular file (a symbolic link, a FIFO, a socket, a
 *   device...), at most 100; the progress's @skipped counts them all
 */
GPtrArray *
tern_store_importer_get_skipped (TernStoreImporter *self)
{
  g_return_val_if_fail (TERN_IS_STORE_IMPORTER (self), NULL);
  return self->skipped;
}

void
tern_store_import_skipped_free (TernStoreImportSkipped *skipped)
{
  if (skipped == NULL)
    return;
  g_free (skipped->path);
  g_free (skipped->reason);
  g_free (skipped);
}

/* ---- reading files ---------------------------------------------------------------- */

/* Why a file of this type is not read; NULL for a regular file. */
static const char *
describe_not_regular (mode_t mode)
{
  if (S_ISREG (mode))
    return NULL;
  if (S_ISLNK (mode))
    return _("a symbolic link, not followed");
  if (S_ISDIR (mode))
    return _("a folder, not a message file");
  if (S_ISFIFO (mode))
    return _("a FIFO, not a message file");
  if (S_ISSOCK (mode))
    return _("a socket, not a message file");
  if (S_ISCHR (mode) || S_ISBLK (mode))
    return _("a device, not a message file");
  return _("not a regular file");
}

/* Reads the regular file @path: opened without blocking (a FIFO would wait for a
 * writer for ever) and, unless @follow, without following a symbolic link; what it
 * is, is checked on the open file. When it is not a regular file, returns %NULL
 * with *@skipped saying why (and no error). */
static GBytes *
read_regular_file (const char  *path,
                   gboolean     follow,
                   gint64      *mtime,
                   char       **skipped,
                   GError     **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (follow ? 0 : O_NOFOLLOW), 0);
  g_autoptr(GByteArray) data = NULL;
  struct stat st;
  int saved;

  if (fd < 0)
    {
      saved = errno;
      if (saved == ELOOP && !follow)
        *skipped = g_strdup (describe_not_regular (S_IFLNK));
      else
        g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_IO, _("Cannot open “%s”: %s"), path,
                     g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0)
    {
      saved = errno;
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_IO, _("Cannot read “%s”: %s"), path,
                   g_strerror (saved));
      close (fd);
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      *skipped = g_strdup (describe_not_regular (st.st_mode));
      close (fd);
      return NULL;
    }
  *mtime = st.st_mtime;

  data = g_byte_array_sized_new (st.st_size > 0 ? MIN ((gsize) st.st_size + 1, 256 * 1024 * 1024) : 4096);
  for (;;)
    {
      guint8 buffer[65536];
      gssize n = read (fd, buffer, sizeof buffer);

      if (n == 0)
        break;
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved = errno;
          g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_IO, _("Cannot read “%s”: %s"), path,
                       g_strerror (saved));
          close (fd);
          return NULL;
        }
      g_byte_array_append (data, buffer, n);
    }
  close (fd);
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

/* ---- parser pool ---------------------------------------------------------------- */

static TernStoreFlags
flags_from_status (TernMimeStatus status)
{
  TernStoreFlags flags = 0;

  if (status & TERN_MIME_STATUS_SEEN)
    flags |= TERN_STORE_FLAG_SEEN;
  if (status & TERN_MIME_STATUS_ANSWERED)
    flags |= TERN_STORE_FLAG_ANSWERED;
  if (status & TERN_MIME_STATUS_FLAGGED)
    flags |= TERN_STORE_FLAG_FLAGGED;
  if (status & TERN_MIME_STATUS_DELETED)
    flags |= TERN_STORE_FLAG_DELETED;
  if (status & TERN_MIME_STATUS_DRAFT)
    flags |= TERN_STORE_FLAG_DRAFT;
  return flags;
}

static void
parse_func (gpointer data, gpointer user_data)
{
  Item *item = data;
  TernStoreImporter *self = user_data;

  if (item->raw != NULL && !g_atomic_int_get (&self->stop))
    {
      gsize len = 0;
      const guint8 *bytes = g_bytes_get_data (item->raw, &len);
      g_autofree char *key = NULL;

      if (bytes == NULL)
        bytes = (const guint8 *) "";
      item->dedup_key = tern_store_db_compute_dedup_key (bytes, len);
      /* A message the folder has already (an import run again) is not parsed. */
      key = g_strdup_printf ("%" G_GINT64_FORMAT "/%s", item->dedup_key, item->folder);
      if (self->known == NULL || !g_hash_table_contains (self->known, key))
        {
          item->summary = tern_mime_summary_new (bytes, len);
          if (item->use_status)
            item->flags = flags_from_status (item->summary->status);
        }
    }
  g_async_queue_push (self->done, item);
}

/* ---- reader thread -------------------------------------------------------------- */

static gboolean
wait_for_room (TernStoreImporter *self, gsize size)
{
  gboolean stop;

  g_mutex_lock (&self->lock);
  while (!self->stop && self->in_flight > 0 &&
         (self->in_flight >= MAX_IN_FLIGHT || self->in_flight_bytes + size > MAX_IN_FLIGHT_BYTES))
    g_cond_wait (&self->cond, &self->lock);
  stop = self->stop;
  if (!stop)
    {
      self->in_flight++;
      self->in_flight_bytes += size;
    }
  g_mutex_unlock (&self->lock);
  return !stop;
}

static void
push_item (TernStoreImporter *self, Item *item)
{
  item->seq = self->next_seq++;
  g_thread_pool_push (self->parsers, item, NULL);
}

typedef struct
{
  char           *path;
  char           *folder;
  TernStoreFlags  flags;
  char           *skipped;      /* not read, and why: found so when listing */
} MaildirFile;

static void
maildir_file_free (MaildirFile *file)
{
  g_free (file->path);
  g_free (file->folder);
  g_free (file->skipped);
  g_free (file);
}

static void
add_maildir_file (GPtrArray *files, const char *path, const char *folder, TernStoreFlags flags,
                  const char *skipped)
{
  MaildirFile *file = g_new0 (MaildirFile, 1);

  file->path = g_strdup (path);
  file->folder = g_strdup (folder);
  file->flags = flags;
  file->skipped = g_strdup (skipped);
  g_ptr_array_add (files, file);
}

/* Whether @path is a folder itself, not a symbolic link to one. A link is listed
 * in @files as skipped (when @files is given). */
static gboolean
is_real_dir (const char *path, const char *folder, GPtrArray *files)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return FALSE;
  if (S_ISLNK (st.st_mode) && files != NULL)
    add_maildir_file (files, path, folder, 0, describe_not_regular (st.st_mode));
  return S_ISDIR (st.st_mode);
}

static int
maildir_file_compare (gconstpointer a, gconstpointer b)
{
  const MaildirFile *fa = *(MaildirFile * const *) a;
  const MaildirFile *fb = *(MaildirFile * const *) b;
  int c = strcmp (fa->folder, fb->folder);
  return c != 0 ? c : strcmp (fa->path, fb->path);
}

static TernStoreFlags
maildir_flags (const char *name)
{
  const char *info = strstr (name, ":2,");
  TernStoreFlags flags = 0;

  if (info == NULL)
    info = strstr (name, "!2,"); /* as written where ':' is not allowed */
  if (info == NULL)
    return 0;
  for (const char *p = info + 3; *p != '\0'; p++)
    {
      switch (*p)
        {
        case 'S': flags |= TERN_STORE_FLAG_SEEN; break;
        case 'R': flags |= TERN_STORE_FLAG_ANSWERED; break;
        case 'F': flags |= TERN_STORE_FLAG_FLAGGED; break;
        case 'T': flags |= TERN_STORE_FLAG_DELETED; break;
        case 'D': flags |= TERN_STORE_FLAG_DRAFT; break;
        default: break;
        }
    }
  return flags;
}

static gboolean
is_maildir (const char *dir)
{
  g_autofree char *cur = g_build_filename (dir, "cur", NULL);
  g_autofree char *new = g_build_filename (dir, "new", NULL);
  return g_file_test (cur, G_FILE_TEST_IS_DIR) || g_file_test (new, G_FILE_TEST_IS_DIR);
}

static void
list_maildir_folder (const char *dir, const char *folder, GPtrArray *files)
{
  static const char * const subdirs[] = { "cur", "new" };

  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *sub = g_build_filename (dir, subdirs[i], NULL);
      g_autoptr(GDir) d = NULL;
      const char *name;

      if (!is_real_dir (sub, folder, files) || (d = g_dir_open (sub, 0, NULL)) == NULL)
        continue;
      while ((name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *path = NULL;
          GStatBuf st;

          if (name[0] == '.')
            continue;
          path = g_build_filename (sub, name, NULL);
          /* What is plainly not a message is not even opened (a device could act on
           * it); read_regular_file() checks again on the open file. */
          add_maildir_file (files, path, folder, i == 0 ? maildir_flags (name) : 0,
                            g_lstat (path, &st) == 0 ? describe_not_regular (st.st_mode) : NULL);
        }
    }
}

static char *
subfolder_path (TernStoreImporter *self, const char *maildirpp_name)
{
  g_autofree char *sub = NULL;
  g_auto(GStrv) parts = NULL;

  if (self->flatten)
    return g_strdup (self->folder);
  /* Maildir++ ".Lists.dev" is the folder "Lists/dev". */
  parts = g_strsplit (maildirpp_name + 1, ".", -1);
  sub = g_strjoinv ("/", parts);
  return g_strconcat (self->folder, "/", sub, NULL);
}

static void
read_maildir (TernStoreImporter *self)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) maildir_file_free);
  g_autoptr(GDir) root = g_dir_open (self->source, 0, NULL);
  const char *name;

  list_maildir_folder (self->source, self->folder, files);
  while (root != NULL && (name = g_dir_read_name (root)) != NULL)
    {
      g_autofree char *dir = NULL;

      if (name[0] != '.' || strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
        continue;
      dir = g_build_filename (self->source, name, NULL);
      if (is_real_dir (dir, self->folder, files) && is_maildir (dir))
        {
          g_autofree char *folder = subfolder_path (self, name);
          list_maildir_folder (dir, folder, files);
        }
    }
  g_ptr_array_sort (files, maildir_file_compare);

  g_mutex_lock (&self->lock);
  self->total_messages = files->len;
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < files->len; i++)
    {
      MaildirFile *file = g_ptr_array_index (files, i);
      Item *item = g_new0 (Item, 1);
      GError *error = NULL;
      gsize len = 0;
      GStatBuf st;

      item->folder = g_strdup (file->folder);
      item->origin = g_strdup (file->path);
      item->flags = file->flags;

      if (!wait_for_room (self, file->skipped == NULL && g_lstat (file->path, &st) == 0 && st.st_size > 0
                                ? (gsize) st.st_size : 0))
        {
          item_free (item);
          return;
        }
      if (file->skipped != NULL)
        item->skipped = g_strdup (file->skipped);
      else if ((item->raw = read_regular_file (file->path, FALSE, &item->internal_date, &item->skipped,
                                               &error)) != NULL)
        len = g_bytes_get_size (item->raw);
      else if (error != NULL)
        {
          item->read_error = g_strdup (error->message);
          g_error_free (error);
        }
      item->size = len;

      g_mutex_lock (&self->lock);
      self->read_bytes += len;
      g_mutex_unlock (&self->lock);
      push_item (self, item);
    }
}

static void
read_mbox (TernStoreImporter *self)
{
  GError *error = NULL;
  g_autoptr(TernMimeMboxReader) reader = tern_mime_mbox_reader_new (self->source, &error);
  guint64 n = 0;

  if (reader == NULL)
    {
      Item *item = g_new0 (Item, 1);
      item->folder = g_strdup (self->folder);
      item->origin = g_strdup (self->source);
      item->read_error = g_strdup (error->message);
      g_error_free (error);
      if (wait_for_room (self, 0))
        push_item (self, item);
      else
        item_free (item);
      return;
    }

  for (;;)
    {
      GByteArray *message = NULL;
      g_autofree char *envelope = NULL;
      goffset offset = 0;
      Item *item;

      if (!tern_mime_mbox_reader_next (reader, &message, &envelope, &offset, &error))
        {
          if (error != NULL)
            {
              item = g_new0 (Item, 1);
              item->folder = g_strdup (self->folder);
              item->origin = g_strdup (self->source);
              item->read_error = g_strdup (error->message);
              g_clear_error (&error);
              if (wait_for_room (self, 0))
                push_item (self, item);
              else
                item_free (item);
            }
          break;
        }

      if (!wait_for_room (self, message->len))
        {
          g_byte_array_unref (message);
          break;
        }
      item = g_new0 (Item, 1);
      item->folder = g_strdup (self->folder);
      item->origin = g_strdup_printf ("%s, message %" G_GUINT64_FORMAT " (offset %" G_GINT64_FORMAT ")",
                                      self->source, ++n, (gint64) offset);
      item->internal_date = tern_mime_mbox_envelope_date (envelope);
      item->use_status = TRUE;
      item->size = message->len;
      item->raw = g_byte_array_free_to_bytes (message);

      g_mutex_lock (&self->lock);
      self->read_bytes = tern_mime_mbox_reader_tell (reader);
      g_mutex_unlock (&self->lock);
      push_item (self, item);
    }
}

static void
read_message_file (TernStoreImporter *self)
{
  Item *item = g_new0 (Item, 1);
  GError *error = NULL;
  gsize len = 0;

  g_mutex_lock (&self->lock);
  self->total_messages = 1;
  g_mutex_unlock (&self->lock);

  item->folder = g_strdup (self->folder);
  item->origin = g_strdup (self->source);
  /* The file the caller named: a link to it is followed, but it must be a file. */
  if ((item->raw = read_regular_file (self->source, TRUE, &item->internal_date, &item->skipped,
                                      &error)) != NULL)
    len = g_bytes_get_size (item->raw);
  else if (error != NULL)
    {
      item->read_error = g_strdup (error->message);
      g_error_free (error);
    }
  item->size = len;
  if (wait_for_room (self, len))
    push_item (self, item);
  else
    item_free (item);
}

static gpointer
reader_thread (gpointer data)
{
  TernStoreImporter *self = data;
  Item *end;

  switch (self->effective_kind)
    {
    case TERN_STORE_IMPORT_MAILDIR:
      read_maildir (self);
      break;
    case TERN_STORE_IMPORT_MBOX:
      read_mbox (self);
      break;
    case TERN_STORE_IMPORT_MESSAGE:
    case TERN_STORE_IMPORT_AUTO:
    default:
      read_message_file (self);
      break;
    }

  /* Wait for the parsers, then tell the writer that nothing more comes. */
  g_thread_pool_free (self->parsers, FALSE, TRUE);
  self->parsers = NULL;
  end = g_new0 (Item, 1);
  end->end = TRUE;
  g_async_queue_push (self->done, end);
  return NULL;
}

/* ---- writer (the calling thread) ------------------------------------------------ */

/* The first bytes of the source, which must be a regular file (a link to one is
 * followed: the caller named it); opened without blocking, so that a FIFO fails
 * instead of waiting for ever. */
static gboolean
read_head (const char *path, char *head, gsize size, gsize *n, GError **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  struct stat st;
  gssize got;
  int saved;

  if (fd < 0 || fstat (fd, &st) != 0)
    {
      saved = errno;
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_IO, _("Cannot open “%s”: %s"), path,
                   g_strerror (saved));
      if (fd >= 0)
        close (fd);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_IO,
                   /* Translators: "“/tmp/x” is a FIFO, not a message file: nothing to import" */
                   _("“%s” is %s: nothing to import"), path, describe_not_regular (st.st_mode));
      close (fd);
      return FALSE;
    }
  do
    got = read (fd, head, size);
  while (got < 0 && errno == EINTR);
  saved = errno;
  close (fd);
  if (got < 0)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_IO, _("Cannot read “%s”: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  *n = got;
  return TRUE;
}

static TernStoreImportKind
detect_kind (TernStoreImporter *self, GError **error)
{
  char head[8] = { 0 };
  gsize n = 0;

  if (g_file_test (self->source, G_FILE_TEST_IS_DIR))
    {
      if (self->kind == TERN_STORE_IMPORT_AUTO && !is_maildir (self->source))
        {
          g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                       _("“%s” is a folder but not a Maildir (it has no cur/ or new/ folder)"),
                       self->source);
          return TERN_STORE_IMPORT_AUTO;
        }
      return self->kind == TERN_STORE_IMPORT_AUTO ? TERN_STORE_IMPORT_MAILDIR : self->kind;
    }

  /* A file: checked to be a regular one whatever the kind asked for. */
  if (!read_head (self->source, head, sizeof head, &n, error))
    return TERN_STORE_IMPORT_AUTO;
  if (self->kind != TERN_STORE_IMPORT_AUTO)
    return self->kind;
  if (g_str_has_suffix (self->source, ".eml") || g_str_has_suffix (self->source, ".msg"))
    return TERN_STORE_IMPORT_MESSAGE;
  if ((n >= 5 && memcmp (head, "From ", 5) == 0) ||
      (n >= 8 && memcmp (head, "\xEF\xBB\xBF" "From ", 8) == 0))
    return TERN_STORE_IMPORT_MBOX;
  return TERN_STORE_IMPORT_MESSAGE;
}

static void
report (TernStoreImporter *self, gboolean finished)
{
  g_mutex_lock (&self->lock);
  self->progress.messages_total = self->total_messages;
  self->progress.bytes_done = self->read_bytes;
  g_mutex_unlock (&self->lock);
  self->progress.bytes_total = self->total_bytes;
  self->progress.finished = finished;
  if (self->progress_func != NULL)
    self->progress_func (&self->progress, self->progress_data);
}

static void
add_failure (TernStoreImporter *self, const char *origin, const char *reason)
{
  self->progress.failed++;
  if (self->failures->len < MAX_FAILURES)
    g_ptr_array_add (self->failures, g_strdup_printf ("%s: %s", origin, reason));
}

static void
add_skipped (TernStoreImporter *self, const char *path, const char *reason)
{
  self->progress.skipped++;
  if (self->skipped->len < MAX_FAILURES)
    {
      TernStoreImportSkipped *skipped = g_new0 (TernStoreImportSkipped, 1);

      skipped->path = g_strdup (path);
      skipped->reason = g_strdup (reason);
      g_ptr_array_add (self->skipped, skipped);
    }
}

static guint64
source_size (const char *path)
{
  GStatBuf st;
  guint64 total = 0;

  if (g_stat (path, &st) != 0)
    return 0;
  if (!S_ISDIR (st.st_mode))
    return st.st_size;
  return total; /* a Maildir: counted in messages, not bytes */
}

/* The messages already in the target folder and its subfolders, so that the
 * parsers skip them. */
static GHashTable *
load_known (TernStoreDb *db, gint64 account_id, const char *folder)
{
  g_autoptr(GPtrArray) folders = tern_store_db_list_folders (db, account_id, NULL);
  g_autofree char *prefix = g_strconcat (folder, "/", NULL);
  GHashTable *known = NULL;

  for (guint i = 0; folders != NULL && i < folders->len; i++)
    {
      TernStoreFolder *f = g_ptr_array_index (folders, i);
      const char *path = tern_store_folder_get_path (f);
      g_autoptr(GArray) keys = NULL;

      if (tern_store_folder_get_total (f) == 0 ||
          (g_ascii_strcasecmp (path, folder) != 0 && !g_str_has_prefix (path, prefix)))
        continue;
      keys = tern_store_db_list_dedup_keys (db, tern_store_folder_get_id (f), NULL);
      for (guint j = 0; keys != NULL && j < keys->len; j++)
        {
          if (known == NULL)
            known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          g_hash_table_add (known, g_strdup_printf ("%" G_GINT64_FORMAT "/%s",
                                                    g_array_index (keys, gint64, j), path));
        }
    }
  return known;
}

/**
 * tern_store_importer_run:
 * @db: the store connection to write with (used by this thread only)
 *
 * Imports the source, blocking. Each batch is committed on its own: after an
 * interruption, the batches committed stay and running the import again adds
 * the rest.
 *
 * Returns: %TRUE when the whole source was read (messages that could not be
 *   read are counted in the progress's @failed and listed by
 *   tern_store_importer_get_failures())
 */
gboolean
tern_store_importer_run (TernStoreImporter  *self,
                         TernStoreDb        *db,
                         GCancellable       *cancellable,
                         GError            **error)
{
  g_autoptr(GHashTable) folders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GError *local_error = NULL;
  GThread *reader;
  gint64 account_id;
  gboolean in_tx = FALSE;
  guint batch_messages = 0;
  guint64 batch_bytes = 0;
  gint64 last_report = 0;

  g_return_val_if_fail (TERN_IS_STORE_IMPORTER (self), FALSE);
  g_return_val_if_fail (TERN_IS_STORE_DB (db), FALSE);

  memset (&self->progress, 0, sizeof self->progress);
  g_array_set_size (self->ids, 0);
  g_ptr_array_set_size (self->failures, 0);
  g_ptr_array_set_size (self->skipped, 0);
  self->stop = FALSE;
  self->in_flight = 0;
  self->in_flight_bytes = 0;
  self->total_messages = 0;
  self->read_bytes = 0;
  self->next_seq = 0;

  if (!g_file_test (self->source, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                   _("“%s” does not exist"), self->source);
      return FALSE;
    }
  self->effective_kind = detect_kind (self, error);
  if (self->effective_kind == TERN_STORE_IMPORT_AUTO)
    return FALSE;
  self->total_bytes = source_size (self->source);

  if (g_strcmp0 (self->account, TERN_STORE_LOCAL_ACCOUNT) == 0)
    account_id = tern_store_db_ensure_account (db, self->account, TERN_STORE_ACCOUNT_LOCAL, error);
  else
    account_id = tern_store_db_lookup_account (db, self->account, error);
  if (account_id == 0)
    return FALSE;

  self->known = load_known (db, account_id, self->folder);
  self->done = g_async_queue_new ();
  self->parsers = g_thread_pool_new (parse_func, self, MAX (1, (int) g_get_num_processors ()), FALSE, NULL);
  reader = g_thread_new ("tern-import", reader_thread, self);

  for (;;)
    {
      Item *item = g_async_queue_pop (self->done);
      gint64 folder_id;
      gpointer cached;

      if (item->end)
        {
          item_free (item);
          break;
        }

      g_mutex_lock (&self->lock);
      self->in_flight--;
      self->in_flight_bytes -= MIN (self->in_flight_bytes, item->size);
      g_cond_signal (&self->cond);
      g_mutex_unlock (&self->lock);

      if (self->stop)
        {
          item_free (item);
          continue;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
        goto stop;

      self->progress.messages_done++;
      if (item->skipped != NULL)
        {
          add_skipped (self, item->origin, item->skipped);
          item_free (item);
          continue;
        }
      if (item->raw == NULL)
        {
          add_failure (self, item->origin, item->read_error != NULL ? item->read_error : _("unreadable"));
          item_free (item);
          continue;
        }

      if (!in_tx)
        {
          if (!tern_store_db_begin (db, &local_error))
            goto stop;
          in_tx = TRUE;
        }

      if (g_hash_table_lookup_extended (folders, item->folder, NULL, &cached))
        folder_id = GPOINTER_TO_SIZE (cached);
      else
        {
          g_autoptr(TernStoreFolder) folder = tern_store_db_ensure_folder (db, account_id, item->folder,
                                                                           TERN_STORE_FOLDER_ROLE_NONE,
                                                                           &local_error);
          if (folder == NULL)
            goto stop;
          folder_id = tern_store_folder_get_id (folder);
          g_hash_table_insert (folders, g_strdup (item->folder), GSIZE_TO_POINTER (folder_id));
        }

      {
        TernStoreDbNewMessage message = { 0 };
        gboolean duplicate = FALSE;
        gint64 id;

        message.folder_id = folder_id;
        message.flags = item->flags;
        message.internal_date = item->internal_date;
        message.raw = item->raw;
        message.summary = item->summary;
        message.dedup_key = item->dedup_key;
        message.skip_duplicate = TRUE;
        id = tern_store_db_add_message (db, &message, &duplicate, &local_error);
        if (id == 0)
          goto stop;
        /* The parsers finish out of order: file the id at its source position. */
        if (self->ids->len <= item->seq)
          g_array_set_size (self->ids, item->seq + 1);
        g_array_index (self->ids, gint64, item->seq) = id;
        if (duplicate)
          self->progress.duplicates++;
        else
          {
            self->progress.imported++;
            batch_messages++;
            batch_bytes += item->size;
          }
      }
      item_free (item);
      item = NULL;

      if (batch_messages >= BATCH_MESSAGES || batch_bytes >= BATCH_BYTES)
        {
          in_tx = FALSE;
          batch_messages = 0;
          batch_bytes = 0;
          if (!tern_store_db_commit (db, &local_error))
            goto stop;
        }

      if (g_get_monotonic_time () - last_report >= PROGRESS_INTERVAL)
        {
          last_report = g_get_monotonic_time ();
          report (self, FALSE);
        }
      continue;

    stop:
      /* Keep what is complete, stop the reader and drain the pipeline. */
      if (item != NULL)
        item_free (item);
      if (in_tx)
        {
          in_tx = FALSE;
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            tern_store_db_commit (db, NULL);
          else
            tern_store_db_rollback (db);
        }
      g_mutex_lock (&self->lock);
      self->stop = TRUE;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
    }

  g_thread_join (reader);
  g_async_queue_unref (self->done);
  self->done = NULL;
  g_clear_pointer (&self->known, g_hash_table_unref);

  if (in_tx && !tern_store_db_commit (db, local_error == NULL ? &local_error : NULL))
    in_tx = FALSE;

  report (self, TRUE);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/* ---- async ---------------------------------------------------------------------- */

typedef struct
{
  TernStoreImporter *importer;
} RunData;

static gpointer
run_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  TernStoreImporter *self = data;
  gboolean ok;

  /* a store worker's connection: the cache of a bulk change while it runs */
  tern_store_db_set_cache_size (db, TERN_STORE_DB_CACHE_KIB);
  ok = tern_store_importer_run (self, db, cancellable, error);
  tern_store_db_set_cache_size (db, TERN_STORE_DB_READER_CACHE_KIB);
  return ok ? GINT_TO_POINTER (TRUE) : NULL;
}

/**
 * tern_store_importer_run_async:
 *
 * Runs the import on a store worker. The progress function is then called on
 * that worker thread; the store's signals announce each committed batch in the
 * main context.
 */
void
tern_store_importer_run_async (TernStoreImporter   *self,
                               TernStore           *store,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (TERN_IS_STORE_IMPORTER (self));
  g_return_if_fail (TERN_IS_STORE (store));

  tern_store_run_async (store, run_work, g_object_ref (self), g_object_unref, NULL,
                        cancellable, callback, user_data);
}

gboolean
tern_store_importer_run_finish (TernStoreImporter *self, GAsyncResult *result, GError **error)
{
  GObject *store = g_async_result_get_source_object (result);
  gboolean ok = tern_store_run_finish (TERN_STORE (store), result, error) != NULL;

  g_object_unref (store);
  return ok;
}
