using System;
using System.Collections.Generic;
using global::Parquet.Meta;

namespace Sutro.Results.Parquet;

/// <summary>What a schema node's value becomes in a row.</summary>
internal enum NodeKind
{
    Leaf,
    Struct,
    List,
    Map,
}

/// <summary>
/// One node of a top-level column's schema, with the levels that place its values (the Dremel encoding of
/// parquet-format): a node is present when a leaf entry's definition level reaches <see cref="DefLevel"/>; a list
/// or map has an item when it reaches <see cref="ItemDefLevel"/>, and a new item starts at repetition level
/// <see cref="RepLevel"/>. Lists follow the LIST rules of parquet-format's LogicalTypes.md, the two-level and
/// bare repeated forms included; maps the MAP (and MAP_KEY_VALUE) rules.
/// </summary>
internal sealed class ParquetNode
{
    private ParquetNode(NodeKind kind, string name, int defLevel)
    {
        Kind = kind;
        Name = name;
        DefLevel = defLevel;
    }

    public NodeKind Kind { get; }

    public string Name { get; }

    public int DefLevel { get; }

    public int ItemDefLevel { get; private init; }

    public int RepLevel { get; private init; }

    /// <summary>Struct fields, a list's element, or a map's key and value.</summary>
    public ParquetNode[] Children { get; private init; } = Array.Empty<ParquetNode>();

    public ParquetLeaf? Leaf { get; private init; }

    /// <summary>The first of this node's leaves, counted within its top-level column.</summary>
    public int FirstLeaf { get; private set; }

    public int LeafCount { get; private set; }

    /// <summary>Whether the node is a list whose element is a FLOAT or DOUBLE leaf (an embedding).</summary>
    public bool IsListOfDoubles => Kind == NodeKind.List && Children[0].Leaf is { Kind: LeafKind.Double };

    /// <summary>Whether the node is a list whose element is a number leaf (read as [double[]] for outputs).</summary>
    public bool IsListOfNumbers => Kind == NodeKind.List
        && Children[0].Leaf is { Kind: LeafKind.Double or LeafKind.Int64 or LeafKind.UInt32 or LeafKind.Decimal };

    /// <summary>
    /// The top-level column whose schema element is at <paramref name="at"/>; moves <paramref name="at"/> past its
    /// subtree. <paramref name="firstLeaf"/> is the column chunk index of its first leaf; <paramref name="leaves"/>
    /// receives every leaf in column chunk order.
    /// </summary>
    public static ParquetNode Build(List<SchemaElement> elements, ref int at, int firstLeaf, List<ParquetLeaf> leaves)
    {
        RawNode raw = RawNode.Read(elements, ref at, 0);
        var builder = new Builder(firstLeaf, leaves);
        ParquetNode node = builder.Interpret(raw, 0, 0, required: false);
        node.Number(0);
        return node;
    }

    private int Number(int first)
    {
        FirstLeaf = first;
        if (Kind == NodeKind.Leaf)
        {
            LeafCount = 1;
            return 1;
        }

        int count = 0;
        foreach (var child in Children)
        {
            count += child.Number(first + count);
        }

        LeafCount = count;
        return count;
    }

    /// <summary>A schema element with its children, before the list and map rules are applied.</summary>
    private sealed class RawNode
    {
        public RawNode(SchemaElement element, RawNode[] children)
        {
            Element = element;
            Children = children;
        }

        public SchemaElement Element { get; }

        public RawNode[] Children { get; }

        public bool IsLeaf => Children.Length == 0 && Element.Type is not null;

        public bool Repeated => Element.RepetitionType == FieldRepetitionType.REPEATED;

        public static RawNode Read(List<SchemaElement> elements, ref int at, int depth)
        {
            if (depth > 64)
            {
                throw new ParquetPageException("the schema nests more than 64 levels deep");
            }

            if (at >= elements.Count)
            {
                throw new ParquetPageException("the schema ends inside a group");
            }

            SchemaElement element = elements[at++];
            int count = element.NumChildren ?? 0;
            if (count < 0 || count > elements.Count - at)
            {
                throw new ParquetPageException($"the schema element '{element.Name}' claims {count} children");
            }

            var children = new RawNode[count];
            for (int i = 0; i < count; i++)
            {
                children[i] = Read(elements, ref at, depth + 1);
            }

            if (count == 0 && element.Type is null)
            {
                throw new ParquetPageException($"the schema element '{element.Name}' is a group without fields");
            }

            return new RawNode(element, children);
        }
    }

    private sealed class Builder
    {
        private readonly int _firstLeaf;
        private readonly List<ParquetLeaf> _leaves;

        public Builder(int firstLeaf, List<ParquetLeaf> leaves)
        {
            _firstLeaf = firstLeaf;
            _leaves = leaves;
        }

        /// <summary>
        /// A node under a parent present at definition level <paramref name="def"/> and repeated to level
        /// <paramref name="rep"/>; <paramref name="required"/> ignores the element's own repetition (the element
        /// of a two-level list is the repeated field itself).
        /// </summary>
        public ParquetNode Interpret(RawNode raw, int def, int rep, bool required)
        {
            SchemaElement element = raw.Element;
            if (!required && raw.Repeated)
            {
                // A repeated field outside a LIST or MAP group is a list of required elements.
                return new ParquetNode(NodeKind.List, element.Name, def)
                {
                    ItemDefLevel = def + 1,
                    RepLevel = rep + 1,
                    Children = new[] { Interpret(raw, def + 1, rep + 1, required: true) },
                };
            }

            int own = !required && element.RepetitionType != FieldRepetitionType.REQUIRED ? def + 1 : def;
            if (raw.IsLeaf)
            {
                int index = _firstLeaf + _leaves.Count;
                string logical = element.ConvertedType?.ToString() ?? "no converted type";
                ParquetLeaf leaf = ParquetLeaf.Describe(element, index, own, rep)
                    ?? throw new ParquetPageException(
                        $"the field '{element.Name}' has a type this module cannot read ({element.Type}, {logical})");
                _leaves.Add(leaf);
                return new ParquetNode(NodeKind.Leaf, element.Name, own) { Leaf = leaf };
            }

            if (element.LogicalType?.VARIANT is not null)
            {
                // Its group holds the variant's binary encoding (and shredded parts), not the value itself.
                throw new ParquetPageException(
                    $"the field '{element.Name}' is a VARIANT, whose values this module cannot decode; write it as text (JSON) instead");
            }

            bool isList = element.LogicalType?.LIST is not null || element.ConvertedType == ConvertedType.LIST;
            bool isMap = element.LogicalType?.MAP is not null
                || element.ConvertedType is ConvertedType.MAP or ConvertedType.MAP_KEY_VALUE;
            if ((isList || isMap) && raw.Children.Length == 1 && raw.Children[0].Repeated)
            {
                RawNode repeated = raw.Children[0];
                if (isMap && repeated.Children.Length is 1 or 2)
                {
                    var children = new ParquetNode[repeated.Children.Length];
                    for (int i = 0; i < children.Length; i++)
                    {
                        children[i] = Interpret(repeated.Children[i], own + 1, rep + 1, required: false);
                    }

                    return new ParquetNode(NodeKind.Map, element.Name, own)
                    {
                        ItemDefLevel = own + 1,
                        RepLevel = rep + 1,
                        Children = children,
                    };
                }

                // LogicalTypes.md, backward compatibility: the repeated field is the element itself when it is a
                // primitive, a group of several fields, or named 'array' or '<list>_tuple'.
                bool twoLevel = repeated.IsLeaf || repeated.Children.Length > 1 || repeated.Element.Name == "array"
                    || repeated.Element.Name == element.Name + "_tuple";
                ParquetNode item = twoLevel
                    ? Interpret(repeated, own + 1, rep + 1, required: true)
                    : Interpret(repeated.Children[0], own + 1, rep + 1, required: false);
                return new ParquetNode(NodeKind.List, element.Name, own)
                {
                    ItemDefLevel = own + 1,
                    RepLevel = rep + 1,
                    Children = new[] { item },
                };
            }

            var fields = new ParquetNode[raw.Children.Length];
            for (int i = 0; i < fields.Length; i++)
            {
                fields[i] = Interpret(raw.Children[i], own, rep, required: false);
            }

            return new ParquetNode(NodeKind.Struct, element.Name, own) { Children = fields };
        }
    }
}
