package io.imgbeam.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.apache.commons.imaging.ImagingException;
import org.apache.commons.imaging.bytesource.ByteSource;
import org.apache.commons.imaging.formats.jpeg.iptc.IptcBlock;
import org.apache.commons.imaging.formats.jpeg.iptc.IptcParser;
import org.apache.commons.imaging.formats.jpeg.iptc.IptcRecord;
import org.apache.commons.imaging.formats.jpeg.iptc.PhotoshopApp13Data;
import org.apache.commons.imaging.formats.tiff.TiffImageMetadata;
import org.apache.commons.imaging.formats.tiff.TiffImageParser;
import org.apache.commons.imaging.formats.tiff.TiffImagingParameters;
import org.apache.commons.imaging.formats.tiff.constants.ExifTagConstants;
import org.apache.commons.imaging.formats.tiff.constants.TiffDirectoryConstants;
import org.apache.commons.imaging.formats.tiff.constants.TiffTagConstants;
import org.apache.commons.imaging.formats.tiff.write.TiffImageWriterLossy;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputDirectory;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputField;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Applies a {@link MetadataPolicy} to the blocks of an input: what an output may carry.
 *
 * <p>EXIF and IPTC are parsed and rewritten by commons-imaging (TIFF directories and IPTC records);
 * XMP is filtered as XML with the JDK's parser, with DOCTYPEs refused so that a packet can neither
 * expand entities nor reach the network. A block that cannot be parsed is dropped: under a policy
 * that keeps less than everything, unreadable means unverifiable.
 */
final class MetadataFilter {
  /**
   * Where the blocks go.
   *
   * @param orientation the EXIF orientation the output must declare: 1 for re-encoded (rotated)
   *     pixels, the input's for a kept original
   * @param width output width as stored
   * @param height output height as stored
   */
  record Target(int orientation, int width, int height) {}

  // EXIF tags by number (TIFF 6 / Exif 2.32).
  private static final int ARTIST = 0x013B;
  private static final int COPYRIGHT = 0x8298;
  private static final int ORIENTATION = 0x0112;
  private static final int MODIFY_DATE = 0x0132;
  private static final int EXIF_VERSION = 0x9000;
  private static final int PIXEL_X_DIMENSION = 0xA002;
  private static final int PIXEL_Y_DIMENSION = 0xA003;

  /** Exif IFD date and time fields, kept by keep-copyright with keepDates. */
  private static final Set<Integer> EXIF_DATES =
      Set.of(0x9003, 0x9004, 0x9010, 0x9011, 0x9012, 0x9290, 0x9291, 0x9292);

  /** IFD0 tags that describe stored image data, which an Exif block of another image must not. */
  private static final Set<Integer> IMAGE_DATA_TAGS =
      Set.of(
          0x0100, 0x0101, 0x0102, 0x0103, 0x0106, 0x0111, 0x0115, 0x0116, 0x0117, 0x0201, 0x0202);

  // IPTC IIM application record (2:nn) datasets.
  private static final Set<Integer> IPTC_RIGHTS = Set.of(80, 110, 116);
  private static final Set<Integer> IPTC_DATES = Set.of(55, 60, 62, 63);

  private static final int IPTC_RESOURCE = 0x0404;

  /** Photoshop resources never carried: thumbnails, and the digest of an IPTC block we rewrite. */
  private static final Set<Integer> PHOTOSHOP_DROPPED = Set.of(0x0409, 0x040C, 0x0425);

  private static final Set<String> PNG_RIGHTS = Set.of("Copyright", "Author");
  private static final String PNG_CREATION_TIME = "Creation Time";

  // XMP namespaces.
  private static final String RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
  private static final String DC = "http://purl.org/dc/elements/1.1/";
  private static final String XMP_BASIC = "http://ns.adobe.com/xap/1.0/";
  private static final String XMP_RIGHTS = "http://ns.adobe.com/xap/1.0/rights/";
  private static final String PHOTOSHOP = "http://ns.adobe.com/photoshop/1.0/";
  private static final String EXIF_NS = "http://ns.adobe.com/exif/1.0/";
  private static final String TIFF_NS = "http://ns.adobe.com/tiff/1.0/";

  /** XMP properties keep-copyright keeps: namespace to local names ("*" for all). */
  private static final Map<String, Set<String>> XMP_RIGHTS_FIELDS =
      Map.of(
          DC, Set.of("creator", "rights"),
          XMP_RIGHTS, Set.of("*"),
          PHOTOSHOP, Set.of("Credit"),
          TIFF_NS, Set.of("Artist", "Copyright"));

  /** XMP date properties keep-copyright keeps with keepDates. */
  private static final Map<String, Set<String>> XMP_DATES =
      Map.of(
          XMP_BASIC, Set.of("CreateDate", "ModifyDate", "MetadataDate"),
          PHOTOSHOP, Set.of("DateCreated"),
          EXIF_NS, Set.of("DateTimeOriginal", "DateTimeDigitized"),
          TIFF_NS, Set.of("DateTime"));

  private static final String XPACKET_BEGIN =
      "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n";
  private static final String XPACKET_END = "\n<?xpacket end=\"w\"?>";

  private MetadataFilter() {}

  /** The blocks an output keeps under {@code policy}; never the ICC profile (see IccPolicy). */
  static MetadataBlocks apply(
      MetadataBlocks in, MetadataPolicy policy, boolean keepDates, Target target) {
    if (policy == MetadataPolicy.STRIP) {
      return MetadataBlocks.NONE;
    }
    boolean keep = policy == MetadataPolicy.KEEP;
    boolean dates = keep || keepDates;
    List<MetadataBlocks.PngText> text = new ArrayList<>();
    for (MetadataBlocks.PngText chunk : in.pngText()) {
      String keyword = chunk.keyword();
      if (keep || PNG_RIGHTS.contains(keyword) || (dates && keyword.equals(PNG_CREATION_TIME))) {
        text.add(chunk);
      }
    }
    return new MetadataBlocks(
        in.exif() == null ? null : exif(in.exif(), keep, dates, target),
        in.xmp() == null ? null : xmp(in.xmp(), keep, dates, target),
        in.photoshop() == null ? null : photoshop(in.photoshop(), keep, dates),
        keep ? in.comments() : List.of(),
        List.copyOf(text),
        dates ? in.pngTime() : null,
        null);
  }

  // ---------------------------------------------------------------------------------------------
  // EXIF

  /** The filtered TIFF structure, or null when nothing is left or it cannot be parsed. */
  static byte[] exif(byte[] tiff, boolean keep, boolean dates, Target target) {
    try {
      TiffImageMetadata metadata =
          (TiffImageMetadata)
              new TiffImageParser()
                  .getMetadata(ByteSource.array(tiff), new TiffImagingParameters());
      if (metadata == null) {
        return null;
      }
      TiffOutputSet in = metadata.getOutputSet();
      TiffOutputSet out = keep ? keepAll(in, target) : rightsOnly(in, dates, target);
      if (out == null) {
        return null;
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(tiff.length);
      new TiffImageWriterLossy(out.byteOrder).write(bytes, out);
      return bytes.toByteArray();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static TiffOutputSet keepAll(TiffOutputSet in, Target target) throws ImagingException {
    TiffOutputSet out = new TiffOutputSet(in.byteOrder);
    for (TiffOutputDirectory dir : in.getDirectories()) {
      // IFD1 and later hold thumbnails (of the unrotated, unprocessed image).
      if (dir.getType() <= TiffDirectoryConstants.DIRECTORY_TYPE_ROOT) {
        out.addDirectory(dir);
      }
    }
    TiffOutputDirectory root = out.getOrCreateRootDirectory();
    root.setNextDirectory(null);
    for (int tag : IMAGE_DATA_TAGS) {
      root.removeField(tag);
    }
    root.removeField(ORIENTATION);
    root.add(TiffTagConstants.TIFF_TAG_ORIENTATION, (short) target.orientation());
    TiffOutputDirectory exif = out.getExifDirectory();
    if (exif != null) {
      // Updated where a SHORT holds the new value, else dropped rather than left wrong.
      if (exif.findField(PIXEL_X_DIMENSION) != null) {
        exif.removeField(PIXEL_X_DIMENSION);
        if (target.width() <= 0xFFFF) {
          exif.add(ExifTagConstants.EXIF_TAG_EXIF_IMAGE_WIDTH, (short) target.width());
        }
      }
      if (exif.findField(PIXEL_Y_DIMENSION) != null) {
        exif.removeField(PIXEL_Y_DIMENSION);
        if (target.height() <= 0xFFFF) {
          exif.add(ExifTagConstants.EXIF_TAG_EXIF_IMAGE_LENGTH, (short) target.height());
        }
      }
    }
    return out;
  }

  private static TiffOutputSet rightsOnly(TiffOutputSet in, boolean dates, Target target)
      throws ImagingException {
    TiffOutputSet out = new TiffOutputSet(in.byteOrder);
    TiffOutputDirectory inRoot = in.getRootDirectory();
    TiffOutputDirectory root = out.addRootDirectory();
    if (inRoot != null) {
      copy(inRoot, root, ARTIST);
      copy(inRoot, root, COPYRIGHT);
      if (dates) {
        copy(inRoot, root, MODIFY_DATE);
      }
    }
    TiffOutputDirectory inExif = in.getExifDirectory();
    if (dates && inExif != null) {
      TiffOutputDirectory exif =
          new TiffOutputDirectory(TiffDirectoryConstants.DIRECTORY_TYPE_EXIF, in.byteOrder);
      for (int tag : EXIF_DATES) {
        copy(inExif, exif, tag);
      }
      if (!exif.getFields().isEmpty()) {
        copy(inExif, exif, EXIF_VERSION);
        out.addDirectory(exif);
      }
    }
    if (root.getFields().isEmpty() && out.getExifDirectory() == null) {
      return target.orientation() == 1 ? null : withOrientation(out, root, target);
    }
    return target.orientation() == 1 ? out : withOrientation(out, root, target);
  }

  private static TiffOutputSet withOrientation(
      TiffOutputSet out, TiffOutputDirectory root, Target target) throws ImagingException {
    root.add(TiffTagConstants.TIFF_TAG_ORIENTATION, (short) target.orientation());
    return out;
  }

  private static void copy(TiffOutputDirectory from, TiffOutputDirectory to, int tag) {
    TiffOutputField field = from.findField(tag);
    if (field != null) {
      to.add(field);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // XMP

  /** The filtered packet, or null when no property is left or it cannot be parsed. */
  static String xmp(String packet, boolean keep, boolean dates, Target target) {
    try {
      Document doc = parse(packet);
      int kept = 0;
      for (Element description : descriptions(doc)) {
        for (Attr attr : attributes(description)) {
          if (isProperty(attr)) {
            if (keepXmp(attr.getNamespaceURI(), attr.getLocalName(), keep, dates)) {
              kept++;
              fixXmpValue(attr, keep, target);
            } else {
              description.removeAttributeNode(attr);
            }
          }
        }
        for (Node child = description.getFirstChild(); child != null; ) {
          Node next = child.getNextSibling();
          if (child instanceof Element property) {
            if (keepXmp(property.getNamespaceURI(), property.getLocalName(), keep, dates)) {
              kept++;
              fixXmpValue(property, keep, target);
            } else {
              description.removeChild(property);
            }
          }
          child = next;
        }
      }
      return kept == 0 ? null : XPACKET_BEGIN + serialise(doc.getDocumentElement()) + XPACKET_END;
    } catch (IOException | SAXException | ParserConfigurationException | TransformerException e) {
      return null;
    }
  }

  private static boolean keepXmp(String ns, String name, boolean keep, boolean dates) {
    if (ns == null) {
      return false;
    }
    if (keep) {
      // Thumbnails show the unprocessed image; stored dimensions are updated or dropped.
      return !(ns.equals(XMP_BASIC) && name.equals("Thumbnails"))
          && !(ns.equals(TIFF_NS) && (name.equals("ImageWidth") || name.equals("ImageLength")));
    }
    return listed(XMP_RIGHTS_FIELDS, ns, name) || (dates && listed(XMP_DATES, ns, name));
  }

  private static boolean listed(Map<String, Set<String>> fields, String ns, String name) {
    Set<String> names = fields.get(ns);
    return names != null && (names.contains("*") || names.contains(name));
  }

  /** Under keep: the orientation and pixel dimensions of the output, not the input. */
  private static void fixXmpValue(Node property, boolean keep, Target target) {
    if (!keep) {
      return;
    }
    String ns = property.getNamespaceURI();
    String name = property.getLocalName();
    if (TIFF_NS.equals(ns) && name.equals("Orientation")) {
      property.setTextContent(Integer.toString(target.orientation()));
    } else if (EXIF_NS.equals(ns) && name.equals("PixelXDimension")) {
      property.setTextContent(Integer.toString(target.width()));
    } else if (EXIF_NS.equals(ns) && name.equals("PixelYDimension")) {
      property.setTextContent(Integer.toString(target.height()));
    }
  }

  private static boolean isProperty(Attr attr) {
    String ns = attr.getNamespaceURI();
    return ns != null && !ns.equals(RDF) && !ns.equals(XMLConstants.XMLNS_ATTRIBUTE_NS_URI);
  }

  private static List<Attr> attributes(Element element) {
    NamedNodeMap map = element.getAttributes();
    List<Attr> attrs = new ArrayList<>(map.getLength());
    for (int i = 0; i < map.getLength(); i++) {
      attrs.add((Attr) map.item(i));
    }
    return attrs;
  }

  /** The top-level rdf:Description elements: the ones that hold properties. */
  private static List<Element> descriptions(Document doc) {
    List<Element> found = new ArrayList<>();
    org.w3c.dom.NodeList rdfs = doc.getElementsByTagNameNS(RDF, "RDF");
    for (int i = 0; i < rdfs.getLength(); i++) {
      for (Node child = rdfs.item(i).getFirstChild();
          child != null;
          child = child.getNextSibling()) {
        if (child instanceof Element e
            && RDF.equals(e.getNamespaceURI())
            && "Description".equals(e.getLocalName())) {
          found.add(e);
        }
      }
    }
    return found;
  }

  private static Document parse(String packet)
      throws ParserConfigurationException, IOException, SAXException {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    factory.setXIncludeAware(false);
    factory.setExpandEntityReferences(false);
    DocumentBuilder builder = factory.newDocumentBuilder();
    builder.setErrorHandler(null);
    // Packets may start with a byte-order mark and end in padding, neither of which is XML.
    String xml = packet.strip();
    if (!xml.isEmpty() && xml.charAt(0) == '\uFEFF') {
      xml = xml.substring(1);
    }
    return builder.parse(new InputSource(new StringReader(xml)));
  }

  private static String serialise(Element root) throws TransformerException {
    TransformerFactory factory = TransformerFactory.newInstance();
    factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
    Transformer transformer = factory.newTransformer();
    transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
    transformer.setOutputProperty(OutputKeys.ENCODING, StandardCharsets.UTF_8.name());
    StringWriter out = new StringWriter();
    transformer.transform(new DOMSource(root), new StreamResult(out));
    return out.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // IPTC (JPEG APP13)

  /** The filtered APP13 payload, or null when nothing is left or it cannot be parsed. */
  static byte[] photoshop(byte[] app13, boolean keep, boolean dates) {
    try {
      IptcParser parser = new IptcParser();
      PhotoshopApp13Data data = parser.parsePhotoshopSegment(app13, false);
      List<IptcRecord> records = new ArrayList<>();
      for (IptcRecord record : data.getRecords()) {
        int type = record.iptcType.getType();
        if (keep || IPTC_RIGHTS.contains(type) || (dates && IPTC_DATES.contains(type))) {
          records.add(record);
        }
      }
      List<IptcBlock> blocks = new ArrayList<>();
      if (!records.isEmpty()) {
        // writePhotoshopApp13Segment writes the blocks it is given, so the records go in one.
        blocks.add(
            new IptcBlock(
                IPTC_RESOURCE,
                new byte[0],
                parser.writeIptcBlock(records, data.isForceUtf8Encoding())));
      }
      if (keep) {
        for (IptcBlock block : data.getNonIptcBlocks()) {
          if (!PHOTOSHOP_DROPPED.contains(block.getBlockType())) {
            blocks.add(block);
          }
        }
      }
      if (blocks.isEmpty()) {
        return null;
      }
      return parser.writePhotoshopApp13Segment(
          new PhotoshopApp13Data(List.of(), blocks, data.isForceUtf8Encoding()));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
