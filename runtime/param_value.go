package runtime

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// Parsers turn the text of a parameter into its Go value. Generated code
// passes them to Scalar, Array and the other decoding functions; Go infers
// T from the destination. A value whose type has a Validate method (an
// enum) is validated too.

// ParseString returns s as a T.
func ParseString[T ~string](s string) (T, error) {
	return validate(T(s))
}

// ParseInt parses a base-10 integer that fits in T.
func ParseInt[T ~int | ~int8 | ~int16 | ~int32 | ~int64](s string) (T, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || int64(T(n)) != n {
		var zero T
		return zero, fmt.Errorf("%q is not an integer of %d bits", s, bitsOf(zero))
	}
	return validate(T(n))
}

// ParseUint parses a base-10 unsigned integer that fits in T.
func ParseUint[T ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64](s string) (T, error) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || uint64(T(n)) != n {
		var zero T
		return zero, fmt.Errorf("%q is not an unsigned integer of %d bits", s, bitsOf(zero))
	}
	return validate(T(n))
}

// ParseFloat parses a decimal or exponent number.
func ParseFloat[T ~float32 | ~float64](s string) (T, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return validate(T(f))
}

// ParseBool parses "true" or "false".
func ParseBool[T ~bool](s string) (T, error) {
	switch s {
	case "true":
		return validate(T(true))
	case "false":
		return validate(T(false))
	}
	return false, fmt.Errorf("%q is not true or false", s)
}

// ParseTime parses an RFC 3339 date-time, or a full-date such as
// 2006-01-02 (midnight UTC).
func ParseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 3339 date-time or date", s)
}

// ParseBytes decodes standard or URL-safe base64, padded or not.
func ParseBytes(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	if b, err := base64.RawStdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	if b, err := base64.RawURLEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return nil, errors.New("not valid base64")
}

// validate returns v, checked by its Validate method when it has one.
func validate[T any](v T) (T, error) {
	if val, ok := any(v).(interface{ Validate() error }); ok {
		if err := val.Validate(); err != nil {
			return v, err
		}
	}
	return v, nil
}

// bitsOf returns the size of T in bits.
func bitsOf[T any](v T) uintptr { return unsafe.Sizeof(v) * 8 }

// Formatters write values for response headers and request parameters.

// FormatString returns v as a string.
func FormatString[T ~string](v T) string { return string(v) }

// FormatInt formats v in base 10.
func FormatInt[T ~int | ~int8 | ~int16 | ~int32 | ~int64](v T) string {
	return strconv.FormatInt(int64(v), 10)
}

// FormatUint formats v in base 10.
func FormatUint[T ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64](v T) string {
	return strconv.FormatUint(uint64(v), 10)
}

// FormatFloat formats v in the shortest form that parses back to v.
func FormatFloat[T ~float32 | ~float64](v T) string {
	return strconv.FormatFloat(float64(v), 'g', -1, int(bitsOf(v)))
}

// FormatBool returns "true" or "false".
func FormatBool[T ~bool](v T) string { return strconv.FormatBool(bool(v)) }

// FormatTime formats t as RFC 3339.
func FormatTime(t time.Time) string { return t.Format(time.RFC3339Nano) }

// FormatBytes encodes b as standard padded base64.
func FormatBytes(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// FormatList formats the items of a simple-style list: "a,b,c".
func FormatList[T any](items []T, format func(T) string) string {
	var b strings.Builder
	for i, v := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(format(v))
	}
	return b.String()
}

// ParseJSON parses s as the JSON value it spells (a number, true, false,
// null, an object or an array), or else as a JSON string: the text form
// of a union of scalars, of a free-form value, and of parameters sent as
// JSON, checked as a JSON body of T is (see Body).
func ParseJSON[T any](s string) (T, error) {
	var v T
	if data := []byte(s); json.Unmarshal(data, &v) == nil {
		return v, checkDecoded(data, &v)
	}
	quoted, _ := json.Marshal(s) // cannot fail for a string
	if err := json.Unmarshal(quoted, &v); err != nil {
		return v, fmt.Errorf("%q is not a valid value: %w", s, err)
	}
	return validate(v)
}

// FormatJSON writes v as JSON: the text form of values that have no other,
// such as unions; a value that cannot be encoded gives "".
func FormatJSON[T any](v T) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
