package dev.caravan.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.boot.convert.DurationStyle;

/** Caravan's defaults as application.yaml states them, for checking the deployment files against. */
final class ApplicationYaml {

    private static final Map<String, Object> SETTINGS = Manifests.single(Path.of("application.yaml"));

    private ApplicationYaml() {
    }

    /** The value at a dotted path, with a ${VARIABLE:default} placeholder resolved to its default. */
    static String value(String path) {
        Object node = SETTINGS;
        for (String key : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> map) || !map.containsKey(key)) {
                throw new IllegalArgumentException(path + " is not in application.yaml");
            }
            node = map.get(key);
        }
        String value = String.valueOf(node);
        if (value.startsWith("${") && value.endsWith("}") && value.contains(":")) {
            return value.substring(value.indexOf(':') + 1, value.length() - 1);
        }
        return value;
    }

    /** Every setting's dotted path (the leaves of application.yaml). */
    static Set<String> paths() {
        Set<String> paths = new TreeSet<>();
        collect("", SETTINGS, paths);
        return paths;
    }

    private static void collect(String prefix, Map<?, ?> node, Set<String> paths) {
        node.forEach((key, value) -> {
            String path = prefix + key;
            if (value instanceof Map<?, ?> child) {
                collect(path + ".", child, paths);
            } else {
                paths.add(path);
            }
        });
    }

    static Duration duration(String path) {
        return DurationStyle.detectAndParse(value(path));
    }
}
