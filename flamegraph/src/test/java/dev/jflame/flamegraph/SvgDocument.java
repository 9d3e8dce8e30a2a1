package dev.jflame.flamegraph;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/** A rendered SVG parsed by the JDK's XML parser, with lookups for the drawn frames. */
record SvgDocument(Document document) {

    /** One drawn frame: its tooltip, box and label. */
    record DrawnFrame(String tooltip, double x, double y, double width, String fill, String label) {
        String name() {
            return tooltip.substring(0, tooltip.lastIndexOf(" ("));
        }
    }

    static SvgDocument parse(String svg) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            return new SvgDocument(factory.newDocumentBuilder().parse(new InputSource(new StringReader(svg))));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new AssertionError("SVG is not well-formed XML: " + e.getMessage(), e);
        }
    }

    Element byId(String id) {
        List<Element> all = elements("*");
        return all.stream().filter(e -> id.equals(e.getAttribute("id"))).findFirst()
                .orElseThrow(() -> new AssertionError("no element with id " + id));
    }

    List<Element> elements(String localName) {
        var nodes = document.getElementsByTagNameNS("*", localName);
        List<Element> result = new ArrayList<>(nodes.getLength());
        for (int i = 0; i < nodes.getLength(); i++) {
            result.add((Element) nodes.item(i));
        }
        return result;
    }

    List<DrawnFrame> frames() {
        List<DrawnFrame> frames = new ArrayList<>();
        for (Node g = byId("frames").getFirstChild(); g != null; g = g.getNextSibling()) {
            if (g instanceof Element group) {
                Element title = child(group, "title");
                Element rect = child(group, "rect");
                Element text = child(group, "text");
                frames.add(new DrawnFrame(title.getTextContent(),
                        Double.parseDouble(rect.getAttribute("x")), Double.parseDouble(rect.getAttribute("y")),
                        Double.parseDouble(rect.getAttribute("width")), rect.getAttribute("fill"), text.getTextContent()));
            }
        }
        return frames;
    }

    DrawnFrame frame(String name) {
        return frames().stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no frame drawn for " + name));
    }

    boolean hasFrame(String name) {
        return frames().stream().anyMatch(f -> f.name().equals(name));
    }

    private static Element child(Element parent, String localName) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getLocalName().equals(localName)) {
                return e;
            }
        }
        throw new AssertionError("no <" + localName + "> in frame group");
    }
}
