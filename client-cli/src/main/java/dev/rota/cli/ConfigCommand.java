package dev.rota.cli;

import dev.rota.cli.channel.ClientSettings;
import dev.rota.cli.json.JsonWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code rota config}: the settings in effect and where each came from. Never calls the daemon. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Show the settings in effect and where each came from.",
                "The daemon address comes from --address, else $ROTA_ADDRESS, else 'address = HOST:PORT' in "
                        + "$XDG_CONFIG_HOME/rota/config (~/.config/rota/config), else the default."})
final class ConfigCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @Option(names = "--json", description = "Print the settings as JSON (see docs/cli-json.md).")
    private boolean json;

    @Override
    public Integer call() {
        ClientSettings s = rota.settings();
        if (json) {
            rota.out().print(new JsonWriter().beginObject()
                    .name("address").value(s.address().toString())
                    .name("address_from").value(s.origin())
                    .name("config_file").value(s.configFile().toString())
                    .name("config_file_exists").value(s.configRead())
                    .name("user").value(rota.caller().user())
                    .endObject().toJson());
        } else {
            rota.out().println("address      " + s.address() + "  (from " + s.origin() + ")");
            rota.out().println("config file  " + s.configFile() + (s.configRead() ? "" : "  (not present)"));
            rota.out().println("user         " + rota.caller().user() + "  (sent to the daemon as rota-user)");
        }
        return 0;
    }
}
