package io.driftwatch.sidecar.injector;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Map;

/**
 * fabric8 keeps fields its model does not know in {@code additionalProperties} instead of failing
 * (see ENVIRONMENT.md): a misspelt field would parse "fine". This walks a parsed object and fails
 * on the first unknown field, naming its path.
 */
final class StrictModel {
  private StrictModel() {}

  static void assertNoUnknownFields(Object model) {
    walk(model, "$");
  }

  private static void walk(Object o, String path) {
    if (o == null) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object item : c) {
        walk(item, path + "[" + i++ + "]");
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> walk(v, path + "." + k));
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0
          || Modifier.isStatic(m.getModifiers())
          || !m.getName().startsWith("get")
          || m.getName().equals("getClass")) {
        continue;
      }
      Object value;
      try {
        value = m.invoke(o);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new AssertionError(path + "." + m.getName() + " failed", e);
      }
      if (m.getName().equals("getAdditionalProperties")) {
        assertThat((Map<?, ?>) value).as("unknown fields at %s", path).isNullOrEmpty();
      } else {
        walk(value, path + "." + property(m.getName()));
      }
    }
  }

  private static String property(String getter) {
    String p = getter.substring(3);
    return p.isEmpty() ? p : Character.toLowerCase(p.charAt(0)) + p.substring(1);
  }
}
