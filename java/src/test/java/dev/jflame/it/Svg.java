package dev.jflame.it;

import java.io.ByteArrayInputStream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;

/** Parses an SVG as XML, strictly, with no external entities: what a browser would accept. */
final class Svg {
    private Svg() {
    }

    static Document parse(byte[] svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg));
        if (!"svg".equals(doc.getDocumentElement().getLocalName())) {
            throw new AssertionError("root element is " + doc.getDocumentElement().getNodeName());
        }
        return doc;
    }
}
