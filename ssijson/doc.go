// Package ssijson drives bank terminals through "SSI JSON": the JSON ECR protocol of the
// payment apps SSI builds (../shared/protocols/ssijson.md). The wire is the PrivatBank ECR
// JSON protocol v1.0.3.1, so this package is a configuration of the privatjson codec, client
// and adapter (a [privatjson.Variant]); what it adds is SSI JSON's own DM capability row (tasks 1, 2, 3, 10, 11, 14, 17; services merchant list,
// bank echo, last transaction) and one TCP port per bank app: a terminal may run "several
// applications from different banks on different ports" (Vchasno DM wiki), PrivatBank's
// default being [DefaultPort].
//
// Provisional: that Vchasno's "SSI JSON" is exactly the PrivatBank method set is a strong
// inference of the notes, not a confirmed fact; which acquirers ship SSI apps, and any
// SSI-specific methods, are not public. Verify against a real SSI JSON terminal.
package ssijson
