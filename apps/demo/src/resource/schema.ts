/**
 * The demo's GraphQL schema: a few queries, a mutation, and the feed as a subscription. Resolvers
 * receive the verified access-token claims as context.
 */
import {
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';
import type { AccessTokenClaims } from 'tokenkeeper-server/verify';
import type { Feed } from './feed.js';

export interface GraphqlContext {
  readonly claims: AccessTokenClaims;
}

interface Item {
  id: string;
  title: string;
  likes: number;
}

export function createSchema(feed: Feed): GraphQLSchema {
  const items = new Map<string, Item>(
    ['Deploy notes', 'Release checklist', 'Incident review'].map((title, i) => [
      String(i + 1),
      { id: String(i + 1), title, likes: 0 },
    ]),
  );
  const Item = new GraphQLObjectType({
    name: 'Item',
    fields: {
      id: { type: new GraphQLNonNull(GraphQLID) },
      title: { type: new GraphQLNonNull(GraphQLString) },
      likes: { type: new GraphQLNonNull(GraphQLInt) },
    },
  });
  const Me = new GraphQLObjectType({
    name: 'Me',
    fields: {
      sub: { type: new GraphQLNonNull(GraphQLString) },
      clientType: { type: GraphQLString },
    },
  });
  const Tick = new GraphQLObjectType({
    name: 'Tick',
    fields: {
      seq: { type: new GraphQLNonNull(GraphQLInt) },
      at: { type: new GraphQLNonNull(GraphQLFloat) },
    },
  });
  return new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        me: {
          type: new GraphQLNonNull(Me),
          resolve: (_root, _args, context: GraphqlContext) => ({
            sub: context.claims.sub,
            clientType: (context.claims as { client_type?: string }).client_type,
          }),
        },
        items: {
          type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(Item))),
          resolve: () => [...items.values()],
        },
        item: {
          type: Item,
          args: { id: { type: new GraphQLNonNull(GraphQLID) } },
          resolve: (_root, args: { id: string }) => items.get(args.id),
        },
      },
    }),
    mutation: new GraphQLObjectType({
      name: 'Mutation',
      fields: {
        like: {
          type: new GraphQLNonNull(Item),
          args: { id: { type: new GraphQLNonNull(GraphQLID) } },
          resolve: (_root, args: { id: string }) => {
            const item = items.get(args.id);
            if (!item) throw new Error('No such item');
            item.likes++;
            return item;
          },
        },
      },
    }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        ticks: {
          type: new GraphQLNonNull(Tick),
          subscribe: () => feed.iterate(),
          resolve: (tick: unknown) => tick,
        },
      },
    }),
  });
}
