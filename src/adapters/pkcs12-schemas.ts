/**
 * The ASN.1 structures a PKCS #12 file holds that no PeculiarVentures package
 * declares, declared with @peculiar/asn1-schema the way its packages declare
 * theirs (AsnProp on each field; called directly, since kentra compiles without
 * legacy decorators), and the one parse call that reads them all.
 * @peculiar/asn1-pfx, -cms, -pkcs8 and -x509 declare the rest (PFX,
 * AuthenticatedSafe, SafeBag, CertBag, MacData, ContentInfo,
 * EncryptedContentInfo, EncryptedPrivateKeyInfo, AlgorithmIdentifier).
 */
import { EncryptedContentInfo } from '@peculiar/asn1-cms';
import { type MacData, PFX } from '@peculiar/asn1-pfx';
import {
  AsnConstructedOctetStringConverter,
  AsnConvert,
  AsnIntegerBigIntConverter,
  AsnProp,
  AsnPropTypes,
  AsnType,
  AsnTypeTypes,
  OctetString,
} from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';

/** RFC 8018 A.4 and A.2. */
export const id_PBES2 = '1.2.840.113549.1.5.13';
export const id_PBKDF2 = '1.2.840.113549.1.5.12';

/**
 * Parses BER (DER included) into a schema. OCTET STRINGs are not parsed ahead as nested
 * ASN.1 (asn1js does that by default): each one kentra opens is read by its own schema, and
 * an encrypted one is random bytes. asn1js's limits on depth, node count and length stay on.
 */
export function parseAsn1<T>(der: ArrayBuffer | Buffer, type: new () => T): T {
  return AsnConvert.parse(der, type, { berOptions: { parseEmbedded: false } });
}

/**
 * PFX (RFC 7292 §4) read with `macData` OPTIONAL as the RFC has it: asn1-pfx's class starts
 * with an empty MacData, so a file without a MAC could not be told from one with an empty
 * MacData; this one starts without the property, which the parser sets only when the file has it.
 */
class PfxWithOptionalMac extends PFX {
  constructor() {
    super();
    Reflect.deleteProperty(this, 'macData');
  }
}
AsnType({ type: AsnTypeTypes.Sequence })(PfxWithOptionalMac);

export function parsePfx(der: Buffer): { pfx: PFX; macData: MacData | undefined } {
  const pfx = parseAsn1(der, PfxWithOptionalMac);
  return { pfx, macData: Object.hasOwn(pfx, 'macData') ? pfx.macData : undefined };
}

/**
 * An OCTET STRING in either BER form: primitive (DER), or constructed from pieces, which BER
 * allows and some writers use for the authSafe and `data` contents. asn1-schema's OctetString
 * reads the primitive form only; its AsnConstructedOctetStringConverter joins the pieces.
 */
export class BerOctetString extends OctetString {
  override fromASN(asn: Parameters<OctetString['fromASN']>[0]): this {
    super.fromASN(asn); // refuses what is not an OCTET STRING
    this.buffer = AsnConstructedOctetStringConverter.fromASN(asn).buffer;
    return this;
  }
}

/**
 * EncryptedData (RFC 5652 §8; RFC 7292 §4.1 encrypts SafeContents with it): asn1-cms declares
 * the EncryptedContentInfo inside but not this wrapper. unprotectedAttrs is not read.
 */
export class CmsEncryptedData {
  version = 0;
  encryptedContentInfo = new EncryptedContentInfo();
}
AsnProp({ type: AsnPropTypes.Integer })(CmsEncryptedData.prototype, 'version');
AsnProp({ type: EncryptedContentInfo })(CmsEncryptedData.prototype, 'encryptedContentInfo');
AsnProp({ type: AsnPropTypes.Any, context: 1, implicit: true, optional: true })(
  CmsEncryptedData.prototype,
  'unprotectedAttrs',
);

/** PBES2-params (RFC 8018 A.4). */
export class Pbes2Params {
  keyDerivationFunc = new AlgorithmIdentifier();
  encryptionScheme = new AlgorithmIdentifier();
}
AsnProp({ type: AlgorithmIdentifier })(Pbes2Params.prototype, 'keyDerivationFunc');
AsnProp({ type: AlgorithmIdentifier })(Pbes2Params.prototype, 'encryptionScheme');

/**
 * PBKDF2-params (RFC 8018 A.2). The salt is the `specified` OCTET STRING: the `otherSource`
 * choice is reserved for future versions and written by no one. Counts are bigints, so a
 * damaged count is reported as it is rather than rounded.
 */
export class Pbkdf2Params {
  salt = new OctetString();
  iterationCount = 0n;
  keyLength?: bigint;
  /** DEFAULT algid-hmacWithSHA1 when absent. */
  prf?: AlgorithmIdentifier;
}
AsnProp({ type: OctetString })(Pbkdf2Params.prototype, 'salt');
AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerBigIntConverter })(
  Pbkdf2Params.prototype,
  'iterationCount',
);
AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerBigIntConverter, optional: true })(
  Pbkdf2Params.prototype,
  'keyLength',
);
AsnProp({ type: AlgorithmIdentifier, optional: true })(Pbkdf2Params.prototype, 'prf');

/** pkcs-12PbeParams (RFC 7292 Appendix C). */
export class Pkcs12PbeParams {
  salt = new OctetString();
  iterations = 0n;
}
AsnProp({ type: OctetString })(Pkcs12PbeParams.prototype, 'salt');
AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerBigIntConverter })(
  Pkcs12PbeParams.prototype,
  'iterations',
);
