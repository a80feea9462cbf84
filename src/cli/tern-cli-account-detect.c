/* tern-cli-account-detect.c: tern-cli account detect ADDR [--offline] [--json]
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "tern-engine.h"
#include "tern-autoconfig.h"
#include "tern-cli.h"
#include "tern-cli-output.h"

typedef struct
{
  GMainLoop            *loop;
  TernAutoconfigResult *result;
  GError               *error;
} Detection;

static void
progress_cb (TernAutoconfig *autoconfig,
             const char     *text,
             gpointer        user_data)
{
  g_printerr ("… %s\n", text);
}

static void
detect_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Detection *detection = user_data;

  detection->result = tern_autoconfig_detect_finish (TERN_AUTOCONFIG (object), result, &detection->error);
  g_main_loop_quit (detection->loop);
}

static const char *
source_label (TernAutoconfigSource source)
{
  switch (source)
    {
    case TERN_AUTOCONFIG_SOURCE_ISPDB:
      return _("Tern’s provider database");
    case TERN_AUTOCONFIG_SOURCE_SRV:
      return _("the domain’s SRV records");
    case TERN_AUTOCONFIG_SOURCE_MX:
      return _("the provider database, by the domain’s MX server");
    case TERN_AUTOCONFIG_SOURCE_GUESS:
    default:
      return _("guessing the server names");
    }
}

static gboolean
print_json (TernAutoconfigResult *result, GError **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GPtrArray *steps = tern_autoconfig_result_get_steps (result);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, tern_autoconfig_source_to_string (tern_autoconfig_result_get_source (result)));

  for (guint p = 0; p < TERN_AUTOCONFIG_N_PROTOCOLS; p++)
    {
      const TernAutoconfigServer *server = tern_autoconfig_result_get_server (result, p);

      if (server == NULL)
        continue;

      json_builder_set_member_name (builder, tern_autoconfig_protocol_to_string (p));
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "host");
      json_builder_add_string_value (builder, server->host);
      json_builder_set_member_name (builder, "port");
      json_builder_add_int_value (builder, server->port);
      json_builder_set_member_name (builder, "security");
      json_builder_add_string_value (builder, tern_net_security_to_string (server->security));
      json_builder_set_member_name (builder, "user");
      json_builder_add_string_value (builder, server->user);
      json_builder_end_object (builder);
    }

  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < steps->len; i++)
    {
      const TernAutoconfigStep *step = steps->pdata[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "source");
      json_builder_add_string_value (builder, tern_autoconfig_source_to_string (step->source));
      json_builder_set_member_name (builder, "outcome");
      json_builder_add_string_value (builder, tern_autoconfig_step_outcome_to_string (step->outcome));
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, step->text);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return tern_cli_output_print_json_node (root, TRUE, error);
}

static void
print_text (TernAutoconfigResult *result)
{
  GPtrArray *steps = tern_autoconfig_result_get_steps (result);
  const char *provider = tern_autoconfig_result_get_provider_name (result);

  g_print (_("Settings for %s, found by %s"), tern_autoconfig_result_get_address (result),
           source_label (tern_autoconfig_result_get_source (result)));
  if (provider != NULL)
    g_print (" (%s)", provider);
  g_print ("\n");

  for (guint p = 0; p < TERN_AUTOCONFIG_N_PROTOCOLS; p++)
    {
      GPtrArray *servers = tern_autoconfig_result_get_servers (result, p);

      for (guint i = 0; i < servers->len; i++)
        {
          const TernAutoconfigServer *server = servers->pdata[i];
          g_autofree char *auth = tern_autoconfig_auth_to_string (server->auth);
          g_autofree char *protocol = g_ascii_strup (tern_autoconfig_protocol_to_string (p), -1);

          g_print ("  %-5s %s:%u, %s, %s %s", i == 0 ? protocol : "", server->host, server->port,
                   tern_net_security_to_string (server->security), _("user"), server->user);
          if (auth[0] != '\0')
            g_print (", %s %s", _("login"), auth);
          if (i > 0)
            g_print (" %s", _("(alternative)"));
          g_print ("\n");

          if (server->certificate != NULL)
            {
              g_autofree char *reasons = tern_net_describe_certificate_errors (server->certificate_errors);
              g_autofree char *fingerprint = tern_net_certificate_get_fingerprint (server->certificate);

              g_print ("        %s %s (%s)\n", _("certificate not trusted:"), reasons, fingerprint);
            }
        }
    }

  g_print ("%s\n", _("Steps tried:"));
  for (guint i = 0; i < steps->len; i++)
    {
      const TernAutoconfigStep *step = steps->pdata[i];

      g_print ("  [%s] %s\n", tern_autoconfig_step_outcome_to_string (step->outcome), step->text);
    }
}

/**
 * tern_cli_account_detect:
 * @argv: "detect" and its arguments
 *
 * Finds the servers of an address and prints them. Exit status: 0 found, 1 nothing
 * found (or the detection failed), 2 wrong usage.
 */
/**
 * tern_cli_detect:
 *
 * Runs the detection for @address, printing progress on stderr.
 *
 * Returns: (transfer full): the result, or %NULL when nothing was found
 */
TernAutoconfigResult *
tern_cli_detect (const char  *address,
                 gboolean     offline,
                 GError     **error)
{
  g_autoptr(GMainContext) main_context = g_main_context_new ();
  g_autoptr(TernAutoconfig) autoconfig = NULL;
  Detection detection = { 0 };

  g_main_context_push_thread_default (main_context);

  autoconfig = tern_autoconfig_new ();
  g_signal_connect (autoconfig, "progress", G_CALLBACK (progress_cb), NULL);

  detection.loop = g_main_loop_new (main_context, FALSE);
  tern_autoconfig_detect_async (autoconfig, address,
                                offline ? TERN_AUTOCONFIG_FLAGS_OFFLINE : TERN_AUTOCONFIG_FLAGS_NONE,
                                NULL, detect_cb, &detection);
  g_main_loop_run (detection.loop);
  g_main_loop_unref (detection.loop);
  g_main_context_pop_thread_default (main_context);

  if (detection.result == NULL)
    g_propagate_error (error, detection.error);

  return detection.result;
}

int
tern_cli_account_detect (int    argc,
                         char **argv)
{
  gboolean offline = FALSE, json = FALSE;
  const GOptionEntry entries[] = {
    { "offline", 0, 0, G_OPTION_ARG_NONE, &offline, N_("Use only Tern’s provider database: no DNS and no connection"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("ADDR"));
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAutoconfigResult) result = NULL;

  g_option_context_set_summary (context, _("Finds the incoming and outgoing mail servers of an e-mail address."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      tern_cli_printerr_error ("account detect", error);
      return TERN_CLI_EXIT_USAGE;
    }
  if (argc != 2)
    {
      g_printerr (_("Usage: tern-cli account detect ADDR [--offline] [--json]\n"));
      return TERN_CLI_EXIT_USAGE;
    }
  if (!tern_autoconfig_split_address (argv[1], NULL, NULL, &error))
    {
      tern_cli_printerr_error ("account detect", error);
      return TERN_CLI_EXIT_USAGE;
    }

  result = tern_cli_detect (argv[1], offline, &error);
  if (result == NULL)
    {
      tern_cli_printerr_error ("account detect", error);
      return TERN_CLI_EXIT_FAILURE;
    }

  if (json && !print_json (result, &error))
    {
      tern_cli_printerr_error ("account detect", error);
      return TERN_CLI_EXIT_FAILURE;
    }
  if (!json)
    print_text (result);

  return TERN_CLI_EXIT_OK;
}
