// SPDX-License-Identifier: Apache-2.0
// Telephone numbering by libphonenumber; see phone.h. The only C++ in
// the tree: a thin shim, no exception crosses it.
#include "core/phone.h"

#include <cstdio>
#include <cstring>
#include <string>

#include <phonenumbers/phonenumberutil.h>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// A possible number the caller dialled with the trunk prefix: the parse
// took the prefix off (digits are the prefix and the national number),
// not merely digits that happen to begin like it (US 190-...).
static bool
possible_with_ndd(const PhoneNumberUtil *u, const PhoneNumber &pn,
    const char *digits, const std::string &ndd)
{
	std::string nsn;

	if (ndd.empty() || !u->IsPossibleNumber(pn) ||
	    std::strncmp(digits, ndd.c_str(), ndd.size()) != 0)
		return false;
	u->GetNationalSignificantNumber(pn, &nsn);
	return nsn.size() + ndd.size() == std::strlen(digits);
}

extern "C" int
cxv_phone_national(const char *digits, unsigned cc, char *out, size_t cap)
{
	if (cap > 0)
		out[0] = '\0';
	try {
		const PhoneNumberUtil *u = PhoneNumberUtil::GetInstance();
		std::string region, ndd, e164;
		PhoneNumber pn;

		u->GetRegionCodeForCountryCode(static_cast<int>(cc), &region);
		if (region == "ZZ" || u->Parse(digits, region, &pn) !=
		    PhoneNumberUtil::NO_PARSING_ERROR)
			return 0;
		// A valid number is one however it was written; a merely
		// possible one only with the trunk prefix, else local digits
		// without their area code would become a wrong number.
		u->GetNddPrefixForRegion(region, true, &ndd);
		// The cheap test first: a possible length, no pattern match.
		if (!possible_with_ndd(u, pn, digits, ndd) &&
		    !u->IsValidNumber(pn))
			return 0;
		u->Format(pn, PhoneNumberUtil::E164, &e164);
		if (e164.size() + 1 > cap)
			return 0;
		std::memcpy(out, e164.c_str(), e164.size() + 1);
		return 1;
	} catch (...) {
		return 0;
	}
}

extern "C" unsigned
cxv_phone_region_code(const char *region)
{
	try {
		int cc = PhoneNumberUtil::GetInstance()->GetCountryCodeForRegion(
		    region);

		return cc > 0 ? static_cast<unsigned>(cc) : 0;
	} catch (...) {
		return 0;
	}
}
