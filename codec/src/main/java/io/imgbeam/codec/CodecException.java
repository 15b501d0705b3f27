package io.imgbeam.codec;

/** A data error in one image: it ends that image's processing with a recorded status. */
final class CodecException extends Exception {
  private static final long serialVersionUID = 1L;

  private final Status status;
  private final Stage stage;
  private final String causeClass;

  CodecException(Status status, Stage stage, String message) {
    this(status, stage, message, null);
  }

  CodecException(Status status, Stage stage, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.stage = stage;
    this.causeClass = cause == null ? null : cause.getClass().getName();
  }

  static CodecException failed(Stage stage, Throwable cause) {
    String message = cause.getMessage();
    if (message == null || message.isBlank()) {
      message = cause.getClass().getSimpleName();
    }
    return new CodecException(Status.FAILED, stage, message, cause);
  }

  Status status() {
    return status;
  }

  Stage stage() {
    return stage;
  }

  /** The class of the underlying error, or of this exception when the codec itself refused. */
  String errorClass() {
    return causeClass != null ? causeClass : CodecException.class.getName();
  }
}
