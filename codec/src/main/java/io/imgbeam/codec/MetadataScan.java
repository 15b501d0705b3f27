package io.imgbeam.codec;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.Tag;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifInteropDirectory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.drew.metadata.exif.ExifThumbnailDirectory;
import com.drew.metadata.exif.GpsDirectory;
import com.drew.metadata.file.FileTypeDirectory;
import com.drew.metadata.gif.GifCommentDirectory;
import com.drew.metadata.icc.IccDirectory;
import com.drew.metadata.iptc.IptcDirectory;
import com.drew.metadata.jpeg.JpegCommentDirectory;
import com.drew.metadata.photoshop.PhotoshopDirectory;
import com.drew.metadata.png.PngDirectory;
import com.drew.metadata.xmp.XmpDirectory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What metadata an image carries, read with metadata-extractor: the EXIF orientation, the privacy
 * audit (GPS, serial numbers, owner names) and the groups present. Outputs are scanned too, so that
 * the groups an outcome reports as removed are the ones really gone.
 */
final class MetadataScan {
  // Group names as they appear in the outcome record's metadata_removed list.
  static final String EXIF = "exif";
  static final String GPS = "gps";
  static final String THUMBNAIL = "thumbnail";
  static final String MAKERNOTE = "makernote";
  static final String XMP = "xmp";
  static final String IPTC = "iptc";
  static final String PHOTOSHOP = "photoshop";
  static final String COMMENT = "comment";
  static final String PNG_TEXT = "png-text";
  static final String PNG_TIME = "png-time";
  static final String ICC = "icc";

  private static final MetadataScan NOTHING = new MetadataScan(1, false, false, false, Set.of());

  private final int orientation;
  private final boolean hasGps;
  private final boolean hasSerial;
  private final boolean hasOwner;
  private final Set<String> groups;

  private MetadataScan(
      int orientation, boolean hasGps, boolean hasSerial, boolean hasOwner, Set<String> groups) {
    this.orientation = orientation;
    this.hasGps = hasGps;
    this.hasSerial = hasSerial;
    this.hasOwner = hasOwner;
    this.groups = groups;
  }

  /**
   * Scans {@code data}. Metadata that metadata-extractor cannot parse counts as absent: the
   * re-encoded output drops all of it anyway, and the orientation falls back to 1 (upright as
   * stored), as browsers do with unreadable tags.
   */
  static MetadataScan of(byte[] data) {
    Metadata metadata;
    try {
      metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(data), data.length);
    } catch (ImageProcessingException | IOException | RuntimeException e) {
      return NOTHING;
    }
    int orientation = 1;
    boolean gps = false;
    boolean serial = false;
    boolean owner = false;
    Set<String> groups = new TreeSet<>();
    for (Directory dir : metadata.getDirectories()) {
      if (dir.getTagCount() == 0 || dir instanceof FileTypeDirectory) {
        continue;
      }
      // By name, so that maker notes (Canon, Nikon, ... "Serial Number", "Owner Name") count too.
      for (Tag tag : dir.getTags()) {
        String name = tag.getTagName().toLowerCase(Locale.ROOT);
        serial |= name.contains("serial number");
        owner |= name.contains("owner name");
      }
      if (dir instanceof XmpDirectory xmp) {
        for (String property : xmp.getXmpProperties().keySet()) {
          serial |= property.contains("SerialNumber");
          owner |= property.contains("OwnerName");
        }
      }
      if (dir instanceof ExifIFD0Directory) {
        groups.add(EXIF);
        Integer value = dir.getInteger(ExifIFD0Directory.TAG_ORIENTATION);
        if (value != null && value >= 1 && value <= 8) {
          orientation = value;
        }
      } else if (dir instanceof ExifSubIFDDirectory || dir instanceof ExifInteropDirectory) {
        groups.add(EXIF);
      } else if (dir instanceof GpsDirectory) {
        groups.add(GPS);
        gps = true;
      } else if (dir instanceof ExifThumbnailDirectory) {
        groups.add(EXIF);
        if (dir.containsTag(ExifThumbnailDirectory.TAG_THUMBNAIL_OFFSET)) {
          groups.add(THUMBNAIL);
        }
      } else if (dir instanceof XmpDirectory) {
        groups.add(XMP);
      } else if (dir instanceof IptcDirectory) {
        groups.add(IPTC);
      } else if (dir instanceof PhotoshopDirectory) {
        groups.add(PHOTOSHOP);
      } else if (dir instanceof JpegCommentDirectory || dir instanceof GifCommentDirectory) {
        groups.add(COMMENT);
      } else if (dir instanceof IccDirectory) {
        groups.add(ICC);
      } else if (dir instanceof PngDirectory png) {
        if (png.containsTag(PngDirectory.TAG_TEXTUAL_DATA)) {
          groups.add(PNG_TEXT);
        }
        if (png.containsTag(PngDirectory.TAG_LAST_MODIFICATION_TIME)) {
          groups.add(PNG_TIME);
        }
      } else if (dir.getClass().getSimpleName().toLowerCase(Locale.ROOT).contains("makernote")) {
        groups.add(MAKERNOTE);
      }
    }
    return new MetadataScan(orientation, gps, serial, owner, groups);
  }

  /** The EXIF orientation, 1 to 8; 1 when absent. */
  int orientation() {
    return orientation;
  }

  boolean hasGps() {
    return hasGps;
  }

  /** Whether any block names a serial number: EXIF body or lens, XMP aux/exifEX, maker notes. */
  boolean hasSerial() {
    return hasSerial;
  }

  /** Whether any block names an owner: EXIF CameraOwnerName, XMP aux/exifEX, maker notes. */
  boolean hasOwner() {
    return hasOwner;
  }

  boolean has(String group) {
    return groups.contains(group);
  }

  /** The groups present, in a stable order. */
  List<String> groups() {
    return List.copyOf(groups);
  }

  /** The groups present here and not in {@code output}, in a stable order. */
  List<String> removedIn(MetadataScan output) {
    List<String> removed = new ArrayList<>();
    for (String group : groups) {
      if (!output.groups.contains(group)) {
        removed.add(group);
      }
    }
    return removed;
  }
}
