package io.imgbeam.transforms;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.Objects;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PDone;

/**
 * Every element into one local file, as Avro records or as lines of text: the elements are grouped
 * under one key (with a marker, so that the group, and the file, exist when there are none) and the
 * group is written by one worker to a temp file beside the destination, then renamed into place
 * ({@link OutputFiles#writeAtomically}); a retried group rewrites the same file. Five steps, where
 * Beam's file sinks take 20 to 30 (temp folders, finalisation, side inputs), each of which the
 * DirectRunner runs with a fixed cost. For files that one worker writes anyway (the manifest, the
 * summary) and, on the DirectRunner, the outcome files: the group is held by one worker.
 */
public final class WriteOneFile<T> extends PTransform<PCollection<T>, PDone> {
  private final String root;
  private final String file;
  private final Format<T> format;

  private WriteOneFile(String root, String file, Format<T> format) {
    this.root = root;
    this.file = file;
    this.format = format;
  }

  /**
   * Writes an Avro container file (Snappy blocks, as {@code AvroIO}'s default) of {@code type} at
   * {@code file}, creating the folders from {@code root} down to it.
   */
  public static <T extends SpecificRecord> WriteOneFile<T> avro(
      Class<T> type, String root, String file) {
    return new WriteOneFile<>(root, file, new AvroFormat<>(Objects.requireNonNull(type, "type")));
  }

  /** Writes each element and a newline, in UTF-8, at {@code file}; see {@link #avro}. */
  public static WriteOneFile<String> text(String root, String file) {
    return new WriteOneFile<>(root, file, new TextFormat());
  }

  @Override
  public PDone expand(PCollection<T> input) {
    groupWithMarker(input).apply("WriteFile", ParDo.of(new WriteFn<>(root, file, format)));
    return PDone.in(input.getPipeline());
  }

  /**
   * Every element of {@code input} in one group under the key 0, with one null among them (the
   * marker), so that the group exists when there are no elements: four steps.
   */
  static <T> PCollection<KV<Integer, Iterable<T>>> groupWithMarker(PCollection<T> input) {
    Coder<T> coder = input.getCoder();
    KvCoder<Integer, T> keyed = KvCoder.of(VarIntCoder.of(), NullableCoder.of(coder));
    PCollection<KV<Integer, T>> elements =
        input.apply("KeyAllAlike", WithKeys.<Integer, T>of(0)).setCoder(keyed);
    PCollection<KV<Integer, T>> marker =
        input.getPipeline().apply("Marker", Create.of(KV.of(0, (T) null)).withCoder(keyed));
    return PCollectionList.of(elements)
        .and(marker)
        .apply("WithMarker", Flatten.pCollections())
        .apply("GroupAll", GroupByKey.create());
  }

  /**
   * Writes {@code elements} (nulls skipped) as an Avro container file at {@code file}, as {@link
   * #avro} does, from the calling thread.
   */
  static <T extends SpecificRecord> void writeAvro(
      Class<T> type, Iterable<T> elements, String root, String file) throws IOException {
    write(new AvroFormat<>(type), elements, root, file);
  }

  /** Writes {@code elements} (nulls skipped) as lines at {@code file}, as {@link #text} does. */
  static void writeText(Iterable<String> elements, String root, String file) throws IOException {
    write(new TextFormat(), elements, root, file);
  }

  private static <T> void write(Format<T> format, Iterable<T> elements, String root, String file)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    format.write(elements, bytes);
    OutputFiles.writeAtomically(Paths.get(root), Paths.get(file), bytes.toByteArray());
  }

  /** How the elements become the file's bytes. */
  private interface Format<T> extends Serializable {
    void write(Iterable<T> elements, OutputStream out) throws IOException;
  }

  private static final class AvroFormat<T extends SpecificRecord> implements Format<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;

    AvroFormat(Class<T> type) {
      this.type = type;
    }

    @Override
    public void write(Iterable<T> elements, OutputStream out) throws IOException {
      try (DataFileWriter<T> writer = new DataFileWriter<>(new SpecificDatumWriter<>(type))) {
        writer.setCodec(CodecFactory.snappyCodec());
        writer.create(SpecificData.get().getSchema(type), out);
        for (T element : elements) {
          if (element != null) {
            writer.append(element);
          }
        }
      }
    }
  }

  private static final class TextFormat implements Format<String> {
    private static final long serialVersionUID = 1L;

    @Override
    public void write(Iterable<String> elements, OutputStream out) throws IOException {
      for (String element : elements) {
        if (element != null) {
          out.write((element + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
    }
  }

  private static final class WriteFn<T> extends DoFn<KV<Integer, Iterable<T>>, Void> {
    private final String root;
    private final String file;
    private final Format<T> format;

    WriteFn(String root, String file, Format<T> format) {
      this.root = root;
      this.file = file;
      this.format = format;
    }

    @ProcessElement
    public void processElement(@Element KV<Integer, Iterable<T>> group) throws IOException {
      write(format, group.getValue(), root, file);
    }
  }
}
