package model

import "testing"

func TestGoName(t *testing.T) {
	for in, want := range map[string]string{
		"pet":              "Pet",
		"petId":            "PetID",
		"pet_id":           "PetID",
		"listPets":         "ListPets",
		"HTTPServer":       "HTTPServer",
		"httpServer":       "HTTPServer",
		"x-request-id":     "XRequestID",
		"api_url":          "APIURL",
		"ids":              "IDs",
		"userUUIDs":        "UserUUIDs",
		"oauth2Token":      "Oauth2Token",
		"v2beta":           "V2beta",
		"2fa":              "N2fa",
		"/pets/{petId}":    "PetsPetID",
		"type":             "Type",
		"func":             "Func",
		"ALLCAPS":          "Allcaps",
		"":                 "X",
		"---":              "X",
		"über":             "Über",
		"content-type":     "ContentType",
		"json_schema.path": "JSONSchemaPath",
		"HTTPURL":          "HTTPURL",
		"APIID":            "APIID",
		"HTTPSX":           "Httpsx",
		"IN_PROGRESS":      "InProgress",
		"WINDOWS":          "Windows",
		"OCRResponse":      "OCRResponse",
		"BetaMCPListTools": "BetaMCPListTools",
		"SSETypes":         "SSETypes",
		"oaiSupportedSDKs": "OaiSupportedSDKs",
		"listMCPs":         "ListMCPs",
		"GPT4Turbo":        "GPT4Turbo",
		"X-GitHub-OTP":     "XGitHubOTP",
		"A":                "A",
		"aB":               "AB",
	} {
		if got := GoName(in); got != want {
			t.Errorf("GoName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNamespace(t *testing.T) {
	ns := namespace{}
	for _, want := range []string{"Pet", "Pet2", "Pet3"} {
		if got := ns.claim("Pet"); got != want {
			t.Errorf("claim = %s, want %s", got, want)
		}
	}
	if got := ns.claim("Pet2"); got != "Pet22" {
		t.Errorf("claim(Pet2) = %s, want Pet22", got)
	}
}
