package golang

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/ssegen/ssegen/generator/model"
)

// feedType renders the feed of op's stream: a publish method per event
// (but the gap event, which only streams send) and the function that
// makes the topic of a resource.
func (g *gen) feedType(f *jen.File, op *model.Operation, n *opNames) {
	fd := op.Stream.Feed
	addDoc(f, prose(
		fmt.Sprintf("%s publishes the events of %s (%s %s) on the topic %q of a runtime.Bus: every stream of %s that follows it, in this process or, with a distributed bus, in any other, sends them to its client. Its methods are safe for concurrent use.", n.feed, op.Name, op.Method, op.Path, fd.Topic, op.Name),
	))
	f.Type().Id(n.feed).Struct(
		jen.Id("bus").Add(rt("Bus")),
		jen.Id("o").Op("*").Add(rt("Options")),
	)
	f.Line()
	addDoc(f, prose(fmt.Sprintf("New%s returns the feed of %s on bus. Give it the options given to NewHandler: it encodes events with their codecs.", n.feed, op.Name)))
	f.Func().Id("New"+n.feed).Params(jen.Id("bus").Add(rt("Bus")), jen.Id("opts").Op("...").Add(rt("Option"))).Op("*").Id(n.feed).Block(
		jen.Return(jen.Op("&").Id(n.feed).Values(jen.Id("bus").Op(":").Id("bus"), jen.Id("o").Op(":").Add(rt("NewOptions")).Call(jen.Id("opts").Op("...")))),
	)
	f.Line()
	params := append([]jen.Code{jen.Id("ctx").Qual("context", "Context")}, topicParams(fd, n)...)
	var args []jen.Code
	for _, p := range fd.Params {
		args = append(args, jen.Id(n.topicArgs[p]))
	}
	of := ""
	if len(fd.Params) > 0 {
		of = " of " + listWords(argNames(fd.Params, n))
	}
	for _, ev := range op.Stream.Events {
		if ev == fd.Gap {
			continue
		}
		doc := fmt.Sprintf("Publish%s publishes %s (%s) to the topic%s and returns the id the bus gave it.", ev.GoName, anEvent(ev.Name), ev.ContentType, of)
		// The streams send what the bus carries as it is: the fields a
		// Send method fills in are filled in here.
		body, with := fillIn(g.fixedFields(ev.Type, "", ""))
		if with != "" {
			doc += " It publishes v " + with + "."
		}
		body = append(body, jen.Return(rt("Publish").Call(jen.Id("ctx"), jen.Id("f").Dot("bus"), jen.Id("f").Dot("o"),
			topicOf(n, args), jen.Lit(wireType(ev)), jen.Lit(ev.ContentType), jen.Id("v"))))
		addDoc(f, joinDoc(prose(doc), ev.Doc))
		f.Func().Params(jen.Id("f").Op("*").Id(n.feed)).Id("Publish"+ev.GoName).Params(
			append(params, jen.Id("v").Add(typeExpr(ev.Type)))...,
		).Params(jen.String(), jen.Error()).Block(body...)
		f.Line()
	}
	g.topicFunc(f, op, n)
}

// topicFunc renders the function that returns the topic of op's feed for
// the values of its parameters, or the constant topic of a feed without.
func (g *gen) topicFunc(f *jen.File, op *model.Operation, n *opNames) {
	fd := op.Stream.Feed
	params := topicParams(fd, n)
	var topic *jen.Statement
	for _, part := range fd.Parts {
		var piece jen.Code = jen.Lit(part.Text)
		if part.Param != nil {
			piece = rt("TopicValue").Call(g.formatted(part.Param.Type, jen.Id(n.topicArgs[part.Param])))
		}
		if topic == nil {
			topic = jen.Add(piece)
		} else {
			topic = topic.Op("+").Add(piece)
		}
	}
	if len(params) == 0 {
		f.Commentf("// %s is the topic of %s.", n.topic, n.feed)
		f.Const().Id(n.topic).Op("=").Add(topic)
	} else {
		f.Commentf("// %s returns the topic of %s for the values of %s.", n.topic, n.feed, listWords(argNames(fd.Params, n)))
		f.Func().Id(n.topic).Params(params...).String().Block(jen.Return(topic))
	}
	f.Line()
}

// topicOf renders the topic of op's feed for args, the values of its
// parameters: a call of topicFunc's function, or its constant.
func topicOf(n *opNames, args []jen.Code) jen.Code {
	if len(args) == 0 {
		return jen.Id(n.topic)
	}
	return jen.Id(n.topic).Call(args...)
}

// followMethod renders the stream's Follow, which serves the feed.
func (g *gen) followMethod(f *jen.File, op *model.Operation, n *opNames) {
	fd := op.Stream.Feed
	recv := jen.Id("s").Op("*").Id(n.stream)
	gap := fd.Gap
	resource := ""
	if len(fd.Params) > 0 {
		resource = " (of this request's " + listWords(argNames(fd.Params, n)) + ")"
	}
	addDoc(f, prose(
		fmt.Sprintf("Follow sends the events of feed's topic %q%s until the client goes away: those after the client's Last-Event-ID, then live ones. When that id cannot be resumed (too old, unknown, or from before the bus's store was recreated), it first sends %s with gap, whose id resumes after it. Events sent before Follow should carry no id. Return its error from the handler:", fd.Topic, resource, anEvent(gap.Name)),
		"\treturn stream.Follow(feed, gap)",
		"A client that falls too far behind is cut off and resumes from history when it reconnects.",
	))
	f.Func().Params(recv).Id("Follow").Params(jen.Id("feed").Op("*").Id(n.feed), jen.Id("gap").Add(typeExpr(gap.Type))).Error().Block(
		jen.Return(jen.Id("s").Dot("s").Dot("Follow").Call(jen.Id("feed").Dot("bus"), jen.Id("s").Dot("topic"),
			jen.Func().Params(jen.Id("id").String()).Error().Block(
				jen.Return(jen.Id("s").Dot("Send"+gap.GoName).Call(jen.Id("gap"), rt("WithEventID").Call(jen.Id("id")))),
			))),
	)
	f.Line()
}

// topicParams declares the arguments of the feed methods that make the
// topic: one per parameter of fd.
func topicParams(fd *model.Feed, n *opNames) []jen.Code {
	var params []jen.Code
	for _, p := range fd.Params {
		params = append(params, jen.Id(n.topicArgs[p]).Add(typeExpr(p.Type)))
	}
	return params
}

// argNames returns the names of the arguments of params in feed methods.
func argNames(params []*model.Param, n *opNames) []string {
	var names []string
	for _, p := range params {
		names = append(names, n.topicArgs[p])
	}
	return names
}

// topicArgs names the feed methods' argument of each of fd's parameters,
// clear of the methods' other arguments.
func topicArgs(fd *model.Feed) map[*model.Param]string {
	names := map[*model.Param]string{}
	for _, p := range fd.Params {
		name := unexported(p.Name)
		switch name {
		case "ctx", "v", "f":
			name += "Param"
		}
		names[p] = name
	}
	return names
}
