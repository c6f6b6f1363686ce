// Apache POI's check of an OOXML package signature, for ooxml_check.py:
// SignatureInfo.verifySignature() finds the signature parts through the
// package's digital-signature origin relationship and validates each one
// with Apache Santuario's XML-DSig (javax.xml.crypto) with manifest
// validation on ("org.jcp.xml.dsig.validateManifests"): the SignedInfo
// references and signature value (the key from KeyInfo, KeyInfoKeySelector),
// every "/part?ContentType=" reference of the manifest read through POI's
// OOXMLURIDereferencer, relationships parts through POI's
// RelationshipTransformService. Prints "POI: valid" and each signer, exit 0;
// "POI: invalid" exit 1; an error exit 2.
//
// Debian's poi-ooxml-schemas is a stub without the XMLBeans type system, so
// RelationshipTransformService.init(XMLStructure) cannot parse its
// parameters (NoClassDefFoundError ...TypeSystemHolder). DomParameters reads
// the RelationshipReference SourceIds from the DOM and hands them to POI's
// own init(TransformParameterSpec); the transform itself stays POI's.
import java.security.InvalidAlgorithmParameterException;
import java.security.Provider;
import java.security.Security;
import java.security.cert.X509Certificate;

import javax.xml.crypto.XMLCryptoContext;
import javax.xml.crypto.XMLStructure;
import javax.xml.crypto.dom.DOMStructure;

import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.poifs.crypt.dsig.SignatureConfig;
import org.apache.poi.poifs.crypt.dsig.SignatureInfo;
import org.apache.poi.poifs.crypt.dsig.SignaturePart;
import org.apache.poi.poifs.crypt.dsig.services.RelationshipTransformService;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

public class PoiVerify {
    static final String DIGSIG = "http://schemas.openxmlformats.org/package/2006/digital-signature";

    public static class DomParameters extends RelationshipTransformService {
        @Override
        public void init(XMLStructure parent, XMLCryptoContext context) throws InvalidAlgorithmParameterException {
            Node transform = ((DOMStructure) parent).getNode();
            RelationshipTransformParameterSpec spec = new RelationshipTransformParameterSpec();
            for (Node n = transform.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (!(n instanceof Element)) continue;
                if (!DIGSIG.equals(n.getNamespaceURI()) || !"RelationshipReference".equals(n.getLocalName()))
                    throw new InvalidAlgorithmParameterException("unsupported parameter " + n.getLocalName());
                spec.addRelationshipReference(((Element) n).getAttribute("SourceId"));
            }
            init(spec);
        }
    }

    public static void main(String[] args) {
        Provider p = new Provider("EsealRelationshipTransform", "1.0", "POI's relationship transform, DOM parameters") {
            static final long serialVersionUID = 1L;
        };
        p.put("TransformService." + RelationshipTransformService.TRANSFORM_URI, DomParameters.class.getName());
        p.put("TransformService." + RelationshipTransformService.TRANSFORM_URI + " MechanismType", "DOM");
        Security.insertProviderAt(p, 1);
        try (OPCPackage pkg = OPCPackage.open(args[0], PackageAccess.READ)) {
            SignatureConfig config = new SignatureConfig();
            config.setOpcPackage(pkg);
            SignatureInfo info = new SignatureInfo();
            info.setSignatureConfig(config);
            boolean valid = info.verifySignature();
            int parts = 0;
            for (SignaturePart part : info.getSignatureParts()) {
                ++parts;
                boolean ok = part.validate();
                X509Certificate signer = part.getSigner();
                System.out.println("POI: " + part.getPackagePart().getPartName() + " " + (ok ? "valid" : "invalid")
                                   + (signer != null ? " signer " + signer.getSubjectX500Principal() : ""));
                valid = valid && ok;
            }
            System.out.println(valid && parts > 0 ? "POI: valid" : "POI: invalid");
            System.exit(valid && parts > 0 ? 0 : 1);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(2);
        }
    }
}
