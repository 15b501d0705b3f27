package io.imgbeam.codec;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_from_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_GLOBALHEADER;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_close_dyn_buf;
import static org.bytedeco.ffmpeg.global.avformat.avio_open_dyn_buf;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_PRI_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT470BG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_TRC_IEC61966_2_1;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY10LE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P10LE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV444P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV444P10LE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVOutputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.javacpp.BytePointer;

/**
 * The only class that calls FFmpeg (JavaCPP's build: libaom for AV1, the {@code avif} muxer and the
 * ISO-BMFF demuxer). Every call works on its own contexts, so it is thread-safe; every native
 * object is freed in {@code finally}. Callers bound the image size before they get here ({@link
 * AvifEncoder#refusal}).
 */
final class AvifNative {
  private static final String AV1 = "libaom-av1";

  static {
    // FFmpeg's libraries (avformat's preset inherits avcodec's and avutil's), and the classes of
    // the structures the calls below use (NativesTest runs them).
    Natives.load(
        avformat.class,
        BytePointer.class,
        AVFormatContext.class,
        AVOutputFormat.class,
        AVIOContext.class,
        AVStream.class,
        AVCodec.class,
        AVCodecContext.class,
        AVCodecParameters.class,
        AVPacket.class,
        AVFrame.class,
        AVRational.class,
        AVChannelLayout.class,
        AVDictionary.class);
    // Errors come back as return codes and become exceptions; FFmpeg's own log would be
    // per-image noise on stderr.
    av_log_set_level(AV_LOG_QUIET);
  }

  private AvifNative() {}

  /** Encoder settings: libaom's constant-quality level and speed. */
  record Params(int crf, int cpuUsed) {}

  /**
   * Encodes a still-picture AVIF: the colour image as the primary item and, when present, the alpha
   * plane as a monochrome auxiliary image, losslessly so that alpha survives exactly.
   */
  static byte[] encode(YuvPlanes planes, Params params) throws IOException {
    AVFormatContext muxer = new AVFormatContext(null);
    check(avformat_alloc_output_context2(muxer, null, "avif", (String) null), "avif muxer");
    AVIOContext io = new AVIOContext(null);
    List<AVCodecContext> encoders = new ArrayList<>();
    AVFrame frame = null;
    AVPacket packet = av_packet_alloc();
    boolean ioOpen = false;
    try {
      check(avio_open_dyn_buf(io), "memory output");
      ioOpen = true;
      muxer.pb(io);
      AVCodecContext colour = openEncoder(muxer, planes, false, params.crf(), params.cpuUsed());
      encoders.add(colour);
      AVCodecContext alpha = null;
      if (planes.alpha() != null) {
        alpha = openEncoder(muxer, planes, true, 0, params.cpuUsed());
        encoders.add(alpha);
      }
      check(avformat_write_header(muxer, (AVDictionary) null), "avif header");
      for (int s = 0; s < encoders.size(); s++) {
        AVCodecContext encoder = encoders.get(s);
        frame = av_frame_alloc();
        frame.format(encoder.pix_fmt());
        frame.width(planes.width());
        frame.height(planes.height());
        check(av_frame_get_buffer(frame, 0), "frame buffer");
        if (encoder == alpha) {
          putPlane(frame, 0, planes.alpha(), planes.width(), planes.height(), planes.bitDepth());
        } else {
          putPlane(frame, 0, planes.y(), planes.width(), planes.height(), planes.bitDepth());
          if (!planes.monochrome()) {
            int cw = planes.chromaWidth();
            int ch = planes.chromaHeight();
            putPlane(frame, 1, planes.u(), cw, ch, planes.bitDepth());
            putPlane(frame, 2, planes.v(), cw, ch, planes.bitDepth());
          }
        }
        frame.pts(0);
        check(avcodec_send_frame(encoder, frame), "encode");
        av_frame_free(frame);
        frame = null;
        check(avcodec_send_frame(encoder, null), "flush encoder");
        AVStream stream = muxer.streams(s);
        while (true) {
          int got = avcodec_receive_packet(encoder, packet);
          if (got == AVERROR_EOF || got == -11 /* EAGAIN */) {
            break;
          }
          check(got, "encode");
          packet.stream_index(s);
          av_packet_rescale_ts(packet, encoder.time_base(), stream.time_base());
          check(av_interleaved_write_frame(muxer, packet), "avif write");
        }
      }
      check(av_write_trailer(muxer), "avif trailer");
      return closeBuffer(io);
    } finally {
      if (frame != null) {
        av_frame_free(frame);
      }
      av_packet_free(packet);
      for (AVCodecContext encoder : encoders) {
        avcodec_free_context(encoder);
      }
      if (ioOpen && !io.isNull() && muxer.pb() != null && !muxer.pb().isNull()) {
        closeBuffer(io);
      }
      muxer.pb(null);
      avformat_free_context(muxer);
    }
  }

  private static byte[] closeBuffer(AVIOContext io) {
    BytePointer data = new BytePointer((BytePointer) null);
    int size = avio_close_dyn_buf(io, data);
    io.setNull();
    try {
      byte[] out = new byte[Math.max(0, size)];
      if (size > 0) {
        data.capacity(size).get(out);
      }
      return out;
    } finally {
      av_free(data);
    }
  }

  private static AVCodecContext openEncoder(
      AVFormatContext muxer, YuvPlanes planes, boolean alpha, int crf, int cpuUsed)
      throws IOException {
    AVCodec codec = avcodec_find_encoder_by_name(AV1);
    if (codec == null || codec.isNull()) {
      throw new IOException("FFmpeg has no " + AV1 + " encoder");
    }
    AVCodecContext context = avcodec_alloc_context3(codec);
    boolean tenBit = planes.bitDepth() > 8;
    int format;
    if (alpha || planes.monochrome()) {
      format = tenBit ? AV_PIX_FMT_GRAY10LE : AV_PIX_FMT_GRAY8;
    } else if (planes.chromaShift() == 1) {
      format = tenBit ? AV_PIX_FMT_YUV420P10LE : AV_PIX_FMT_YUV420P;
    } else {
      format = tenBit ? AV_PIX_FMT_YUV444P10LE : AV_PIX_FMT_YUV444P;
    }
    context.width(planes.width());
    context.height(planes.height());
    context.pix_fmt(format);
    context.time_base(av_make_q(1, 1));
    context.color_range(AVCOL_RANGE_JPEG);
    context.color_primaries(AVCOL_PRI_BT709);
    context.color_trc(AVCOL_TRC_IEC61966_2_1);
    context.colorspace(AVCOL_SPC_BT470BG);
    context.thread_count(1);
    if ((muxer.oformat().flags() & AVFMT_GLOBALHEADER) != 0) {
      context.flags(context.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
    }
    AVDictionary options = new AVDictionary(null);
    av_dict_set(options, "still-picture", "1", 0);
    av_dict_set(options, "usage", "allintra", 0);
    av_dict_set(options, "crf", Integer.toString(crf), 0);
    av_dict_set(options, "cpu-used", Integer.toString(cpuUsed), 0);
    if (!alpha) {
      // SSIM tuning: the score imgbeam reports and searches on.
      av_dict_set(options, "tune", "ssim", 0);
    }
    try {
      int opened = avcodec_open2(context, codec, options);
      if (opened < 0) {
        avcodec_free_context(context);
        check(opened, "open " + AV1);
      }
    } finally {
      av_dict_free(options);
    }
    AVStream stream = avformat_new_stream(muxer, null);
    check(avcodec_parameters_from_context(stream.codecpar(), context), "stream parameters");
    stream.time_base(context.time_base());
    return context;
  }

  private static void putPlane(AVFrame frame, int index, int[] samples, int w, int h, int depth) {
    BytePointer data = frame.data(index);
    int stride = frame.linesize(index);
    boolean wide = depth > 8;
    byte[] row = new byte[wide ? w * 2 : w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int s = samples[y * w + x];
        if (wide) {
          row[2 * x] = (byte) s;
          row[2 * x + 1] = (byte) (s >> 8);
        } else {
          row[x] = (byte) s;
        }
      }
      data.position((long) y * stride).put(row, 0, row.length);
    }
    data.position(0);
  }

  /**
   * Decodes an AVIF written by {@link #encode}: the primary colour image and, when there is one,
   * the alpha auxiliary image. Used to verify outputs, not to read inputs.
   */
  static YuvPlanes decode(byte[] avif) throws IOException {
    // The ISO-BMFF demuxer seeks to the items' data, so it reads a file: a private temp file,
    // deleted at once.
    Path file = Files.createTempFile("imgbeam-verify-", ".avif");
    try {
      Files.write(file, avif);
      return decode(file);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static YuvPlanes decode(Path file) throws IOException {
    AVFormatContext demuxer = new AVFormatContext(null);
    AVDictionary options = new AVDictionary(null);
    // Nothing but this file may be opened from inside it.
    av_dict_set(options, "protocol_whitelist", "file", 0);
    int opened = avformat_open_input(demuxer, file.toString(), null, options);
    av_dict_free(options);
    check(opened, "avif open");
    List<AVCodecContext> decoders = new ArrayList<>();
    AVPacket packet = av_packet_alloc();
    AVFrame frame = av_frame_alloc();
    try {
      // The item properties (av1C, ispe) say all the decoder needs: no avformat_find_stream_info.
      int streams = Math.min(2, demuxer.nb_streams());
      if (streams < 1) {
        throw new IOException("AVIF holds no image");
      }
      AVCodec codec = avcodec_find_decoder_by_name(AV1);
      for (int s = 0; s < streams; s++) {
        AVCodecParameters parameters = demuxer.streams(s).codecpar();
        AVCodecContext context = avcodec_alloc_context3(codec);
        decoders.add(context);
        check(avcodec_parameters_to_context(context, parameters), "decoder parameters");
        context.thread_count(1);
        check(avcodec_open2(context, codec, (AVDictionary) null), "open AV1 decoder");
      }
      Plane[][] planes = new Plane[streams][];
      while (av_read_frame(demuxer, packet) >= 0) {
        int s = packet.stream_index();
        if (s < streams && planes[s] == null) {
          check(avcodec_send_packet(decoders.get(s), packet), "decode");
          planes[s] = receive(decoders.get(s), frame);
        }
        av_packet_unref(packet);
      }
      for (int s = 0; s < streams; s++) {
        if (planes[s] == null) {
          check(avcodec_send_packet(decoders.get(s), null), "decode");
          planes[s] = receive(decoders.get(s), frame);
        }
        if (planes[s] == null) {
          throw new IOException("AVIF stream " + s + " decodes to no image");
        }
      }
      Plane[] colour = planes[0];
      Plane[] alpha = streams > 1 ? planes[1] : null;
      int depth = colour[0].depth;
      boolean grey = colour.length == 1;
      int shift = grey ? 0 : (colour[1].width < colour[0].width ? 1 : 0);
      return new YuvPlanes(
          colour[0].width,
          colour[0].height,
          depth,
          shift,
          colour[0].samples,
          grey ? null : colour[1].samples,
          grey ? null : colour[2].samples,
          alpha == null ? null : alpha[0].samples);
    } finally {
      av_frame_free(frame);
      av_packet_free(packet);
      for (AVCodecContext context : decoders) {
        avcodec_free_context(context);
      }
      avformat_close_input(demuxer);
    }
  }

  private record Plane(int width, int height, int depth, int[] samples) {}

  private static Plane[] receive(AVCodecContext decoder, AVFrame frame) throws IOException {
    int got = avcodec_receive_frame(decoder, frame);
    if (got == -11 /* EAGAIN */ || got == AVERROR_EOF) {
      return null;
    }
    check(got, "decode");
    int format = frame.format();
    int w = frame.width();
    int h = frame.height();
    boolean grey = format == AV_PIX_FMT_GRAY8 || format == AV_PIX_FMT_GRAY10LE;
    boolean wide =
        format == AV_PIX_FMT_GRAY10LE
            || format == AV_PIX_FMT_YUV420P10LE
            || format == AV_PIX_FMT_YUV444P10LE;
    boolean sub = format == AV_PIX_FMT_YUV420P || format == AV_PIX_FMT_YUV420P10LE;
    if (!grey && !sub && format != AV_PIX_FMT_YUV444P && format != AV_PIX_FMT_YUV444P10LE) {
      throw new IOException("unexpected decoded pixel format " + format);
    }
    int depth = wide ? 10 : 8;
    Plane[] planes = new Plane[grey ? 1 : 3];
    for (int p = 0; p < planes.length; p++) {
      int pw = p == 0 || !sub ? w : (w + 1) >> 1;
      int ph = p == 0 || !sub ? h : (h + 1) >> 1;
      planes[p] = new Plane(pw, ph, depth, getPlane(frame, p, pw, ph, wide));
    }
    return planes;
  }

  private static int[] getPlane(AVFrame frame, int index, int w, int h, boolean wide) {
    BytePointer data = frame.data(index);
    int stride = frame.linesize(index);
    byte[] row = new byte[wide ? w * 2 : w];
    int[] out = new int[w * h];
    for (int y = 0; y < h; y++) {
      data.position((long) y * stride).get(row, 0, row.length);
      for (int x = 0; x < w; x++) {
        out[y * w + x] =
            wide ? (row[2 * x] & 0xFF) | ((row[2 * x + 1] & 0xFF) << 8) : row[x] & 0xFF;
      }
    }
    return out;
  }

  private static void check(int code, String what) throws IOException {
    if (code < 0) {
      byte[] message = new byte[256];
      av_strerror(code, message, message.length);
      int end = 0;
      while (end < message.length && message[end] != 0) {
        end++;
      }
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      text.write(message, 0, end);
      throw new IOException("FFmpeg " + what + " failed: " + text + " (" + code + ")");
    }
  }
}
