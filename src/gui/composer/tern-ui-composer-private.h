/* tern-ui-composer-private.h: what the files of the composer share
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tern-ui-address-entry.h"
#include "tern-ui-attachment-list.h"
#include "tern-ui-composer.h"
#include "tern-ui-identity.h"

G_BEGIN_DECLS

struct _TernUiComposer
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkButton            *send_button;
  GtkLabel             *status_label;
  GtkRevealer          *error_revealer;
  GtkLabel             *error_label;
  GtkDropDown          *from_dropdown;
  TernUiAddressEntry   *to_entry;
  TernUiAddressEntry   *cc_entry;
  TernUiAddressEntry   *bcc_entry;
  GtkToggleButton      *cc_toggle;
  GtkToggleButton      *bcc_toggle;
  GtkEntry             *subject_entry;
  GtkStack             *body_stack;
  GtkSpinner           *loading_spinner;
  GtkTextView          *body_view;
  TernUiAttachmentList *attachments;
  GtkDropTarget        *drop_target;
  guint                 scroll_tick;    /* scrolling to the cursor, frame after frame */
  guint                 scroll_ticks;   /* frames so far */
  guint                 scroll_steady;  /* frames in a row with the cursor in sight, still */
  int                   scroll_last_y;  /* the cursor's line and the text's height then */
  double                scroll_last_upper;
  guint                 scroll_recheck;  /* once the text view is idle: still in sight? */
  guint                 scroll_rechecks;

  TernUiApplication    *application;
  TernMail             *mail;
  GSettings            *settings;
  GListStore           *identities;     /* TernUiIdentity */
  GCancellable         *cancellable;
  char                 *signature;      /* the one in the body now, to swap with the identity */

  /* what the composition carries besides the fields */
  char                 *in_reply_to;
  GStrv                 references;
  TernOutboxOrigin      origin;
  char                 *origin_message_id;

  /* drafts */
  gint64                draft_id;
  guint                 autosave_timeout;
  gboolean              dirty;
  gboolean              saving;
  gboolean              save_again;
  gboolean              closing;        /* closed: saved once more, then destroyed */

  /* sending */
  gboolean              ready;
  gboolean              sending;
  gboolean              send_after_save;
  gboolean              confirmed_subject;
  gboolean              confirmed_attachment;
  gboolean              confirmed_size;
  guint64               size_limit;     /* the server's SIZE, 0: unknown or none */
  TernMailAccount      *size_account;   /* whose limit that is */
};

/* tern-ui-composer.c */
TernUiIdentity *_tern_ui_composer_get_identity (TernUiComposer *self);
gboolean        _tern_ui_composer_is_empty     (TernUiComposer *self);
void            _tern_ui_composer_show_error   (TernUiComposer *self,
                                                const char     *message);
void            _tern_ui_composer_save         (TernUiComposer *self);
void            _tern_ui_composer_set_status   (TernUiComposer *self,
                                                const char     *status);

/* tern-ui-composer-send.c */
void            _tern_ui_composer_send         (TernUiComposer *self);
void            _tern_ui_composer_probe_size   (TernUiComposer *self);

G_END_DECLS
