package dev.rota.cli.json;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Writes one JSON value (RFC 8259), pretty-printed with two-space indentation, into a string.
 *
 * <p>The output is pure ASCII: every character outside printable ASCII is written as a
 * {@code \}{@code uXXXX} escape (characters beyond the BMP as their two surrogates), so the text
 * survives any terminal or locale encoding unchanged. Structure is checked as it is written: a
 * misplaced {@link #name}, a value without a name inside an object, or an unbalanced end throws
 * {@link IllegalStateException}, because it is a bug in the caller.
 *
 * <p>Not thread-safe; one writer per document.
 */
public final class JsonWriter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out = new StringBuilder();
    private final Deque<Frame> frames = new ArrayDeque<>();
    private boolean complete;

    /** An open object or array: how many members it has so far and whether a name awaits its value. */
    private static final class Frame {
        final boolean object;
        int members;
        boolean named;

        Frame(boolean object) {
            this.object = object;
        }
    }

    public JsonWriter beginObject() {
        beforeValue();
        out.append('{');
        frames.push(new Frame(true));
        return this;
    }

    public JsonWriter endObject() {
        return end(true, '}');
    }

    public JsonWriter beginArray() {
        beforeValue();
        out.append('[');
        frames.push(new Frame(false));
        return this;
    }

    public JsonWriter endArray() {
        return end(false, ']');
    }

    /** Starts an object member; the next call writes its value. */
    public JsonWriter name(String name) {
        Frame frame = frames.peek();
        if (frame == null || !frame.object || frame.named) {
            throw new IllegalStateException("a name belongs directly inside an object, before its value: " + name);
        }
        separate(frame);
        out.append(quote(name)).append(": ");
        frame.named = true;
        return this;
    }

    /** A string, or {@code null} when {@code value} is null. */
    public JsonWriter value(String value) {
        if (value == null) {
            return nullValue();
        }
        beforeValue();
        out.append(quote(value));
        return this;
    }

    public JsonWriter value(long value) {
        beforeValue();
        out.append(value);
        return this;
    }

    /** A number, or {@code null} when {@code value} is null. */
    public JsonWriter value(Long value) {
        return value == null ? nullValue() : value(value.longValue());
    }

    /** A number; JSON has no infinity or NaN, so those are written as {@code null}. */
    public JsonWriter value(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return nullValue();
        }
        beforeValue();
        out.append(value);
        return this;
    }

    public JsonWriter value(boolean value) {
        beforeValue();
        out.append(value);
        return this;
    }

    public JsonWriter nullValue() {
        beforeValue();
        out.append("null");
        return this;
    }

    /**
     * The document, ending in a newline.
     *
     * @throws IllegalStateException if no value was written or an object or array is still open
     */
    public String toJson() {
        if (!complete || !frames.isEmpty()) {
            throw new IllegalStateException("the JSON document is not complete");
        }
        return out + "\n";
    }

    /**
     * {@code text} as a JSON string literal, quotes included: {@code "} and {@code \} escaped,
     * control characters as {@code \n}, {@code \t}, ... or {@code \}{@code u00XX}, and everything
     * outside printable ASCII as {@code \}{@code uXXXX}.
     */
    public static String quote(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                case '\b' -> quoted.append("\\b");
                case '\f' -> quoted.append("\\f");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        quoted.append("\\u")
                                .append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                                .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    private void beforeValue() {
        Frame frame = frames.peek();
        if (frame == null) {
            if (complete) {
                throw new IllegalStateException("a JSON document holds a single top-level value");
            }
            complete = true;
            return;
        }
        if (frame.object) {
            if (!frame.named) {
                throw new IllegalStateException("a value inside an object needs a name first");
            }
            frame.named = false;
        } else {
            separate(frame);
        }
    }

    private void separate(Frame frame) {
        if (frame.members++ > 0) {
            out.append(',');
        }
        newline(frames.size());
    }

    private JsonWriter end(boolean object, char bracket) {
        Frame frame = frames.peek();
        if (frame == null || frame.object != object || frame.named) {
            throw new IllegalStateException("nothing to close with '" + bracket + "' here");
        }
        frames.pop();
        if (frame.members > 0) {
            newline(frames.size());
        }
        out.append(bracket);
        return this;
    }

    private void newline(int depth) {
        out.append('\n');
        out.append("  ".repeat(depth));
    }
}
